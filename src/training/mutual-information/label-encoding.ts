import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import type { SampleMatrix } from './sample-matrix.js';

/**
 * How class labels enter the KSG estimator as the variable Y.
 * - `one-hot`: Y is N x classes; any two different classes are 1 apart in the max-norm, so no
 *   order between classes is invented. The default.
 * - `scalar`: Y is N x 1, the class index, as NPEET users usually pass labels; classes 0 and 9
 *   are then 9 apart while 0 and 1 are 1 apart.
 * The two give the same estimate whenever each sample's k-th neighbour in the joint space is of its
 * own class, which holds when same-class distances in X are below 1 in the max-norm: softmax
 * outputs, and pixels scaled to [0, 1]. They differ for unbounded features such as logits.
 */
export const LABEL_ENCODINGS = ['one-hot', 'scalar'] as const;
export type LabelEncoding = (typeof LABEL_ENCODINGS)[number];

/** Class indices 0..classes-1 as the Y matrix of the chosen encoding. */
export function encodeLabels(labels: ArrayLike<number>, classes: number, encoding: LabelEncoding = 'one-hot'): SampleMatrix {
  if (!Number.isInteger(classes) || classes < 1) throw new InvalidArgumentError(`classes must be a positive integer, but got ${classes}`);
  const rows = labels.length;
  const cols = encoding === 'one-hot' ? classes : 1;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new InvalidArgumentError(`labels must be integers in [0, ${classes}), but label ${i} is ${label}`);
    }
    if (encoding === 'one-hot') data[i * cols + label] = 1;
    else data[i] = label;
  }
  return { data, rows, cols };
}
