import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { Rng } from '../../../src/random/rng.js';
import { digammaTable } from '../../../src/training/mutual-information/digamma-table.js';
import { encodeLabels } from '../../../src/training/mutual-information/label-encoding.js';
import { chooseSubset, labelInformation } from '../../../src/training/mutual-information/label-information.js';
import { selectRows, type SampleMatrix } from '../../../src/training/mutual-information/sample-matrix.js';

const N = 1000;
const CLASSES = 10;

/** Tight, far-apart clusters in `dims` dimensions, one per class: X determines the label. */
function clustered(labels: ArrayLike<number>, dims: number, spread: number, seed: number): SampleMatrix {
  const rng = new Rng(seed);
  const centres = Array.from({ length: CLASSES }, () => Array.from({ length: dims }, () => rng.uniform(0, 1)));
  const data = new Float64Array(labels.length * dims);
  for (let i = 0; i < labels.length; i++) {
    const centre = centres[labels[i] as number] as number[];
    for (let c = 0; c < dims; c++) data[i * dims + c] = (centre[c] as number) + spread * rng.normal();
  }
  return { data, rows: labels.length, cols: dims };
}

function balancedLabels(n: number): Int32Array {
  const labels = Int32Array.from({ length: n }, (_, i) => i % CLASSES);
  const order = new Rng(1).permutation(n);
  return Int32Array.from(order, (i) => labels[i] as number);
}

/** Softmax of random logits: features in [0, 1], as the last layer gives them. */
function softmaxRows(rows: number, cols: number, seed: number, labels?: ArrayLike<number>): SampleMatrix {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let total = 0;
    for (let c = 0; c < cols; c++) {
      const boost = labels !== undefined && labels[i] === c ? 2 : 0;
      const value = Math.exp(rng.normal() + boost);
      data[i * cols + c] = value;
      total += value;
    }
    for (let c = 0; c < cols; c++) data[i * cols + c] = (data[i * cols + c] as number) / total;
  }
  return { data, rows, cols };
}

describe('mutual information with class labels', () => {
  test('labels fully determined by clustered X: I = H(Y) = ln 10 for balanced classes', () => {
    const labels = balancedLabels(N);
    const x = clustered(labels, 5, 0.001, 2);
    // Each k-th joint neighbour is in the sample's own cluster, so n_x = k - 1 and n_y = N/10 - 1:
    // the estimate is psi(N) - psi(N/10), ln 10 up to O(1/N_class) = 0.005.
    const psi = digammaTable(N);
    for (const encoding of ['one-hot', 'scalar'] as const) {
      const estimate = labelInformation(x, labels, CLASSES, { encoding });
      assert.ok(Math.abs(estimate - ((psi[N] as number) - (psi[N / CLASSES] as number))) < 1e-9, `${encoding}: ${estimate}`);
      assert.ok(Math.abs(estimate - Math.log(CLASSES)) < 0.01, `${encoding}: ${estimate} vs ln 10`);
    }
  });

  test('unbalanced classes: I approaches the plug-in entropy of the labels', () => {
    const rng = new Rng(4);
    const labels = Int32Array.from({ length: N }, () => (rng.float() < 0.5 ? 0 : rng.int(1, 3)));
    const counts = [0, 0, 0, 0];
    for (const label of labels) counts[label] = (counts[label] as number) + 1;
    const entropy = -counts.reduce((sum, c) => sum + (c / N) * Math.log(c / N), 0);
    const estimate = labelInformation(clustered(labels, 3, 0.001, 5), labels, 4);
    assert.ok(Math.abs(estimate - entropy) < 0.01, `${estimate} vs H(Y) = ${entropy}`);
  });

  test('labels independent of the features: about 0', () => {
    const rng = new Rng(6);
    const labels = Int32Array.from({ length: N }, () => rng.int(0, CLASSES - 1));
    const estimate = labelInformation(softmaxRows(N, CLASSES, 7), labels, CLASSES);
    assert.ok(Math.abs(estimate) < 0.1, `${estimate}`);
  });

  test('bounded features (softmax outputs): one-hot and scalar labels give the same estimate', () => {
    const labels = balancedLabels(N);
    const h = softmaxRows(N, CLASSES, 8, labels);
    const oneHot = labelInformation(h, labels, CLASSES, { encoding: 'one-hot' });
    const scalar = labelInformation(h, labels, CLASSES, { encoding: 'scalar' });
    assert.ok(oneHot > 0.3 && oneHot < Math.log(CLASSES), `partly informative: ${oneHot}`);
    assert.ok(Math.abs(oneHot - scalar) < 1e-12, `${oneHot} vs ${scalar}`);
  });

  test('encodings: one-hot rows and scalar class indices; bad labels are refused', () => {
    assert.deepEqual([...encodeLabels([2, 0], 3).data], [0, 0, 1, 1, 0, 0]);
    assert.deepEqual(encodeLabels([2, 0], 3, 'scalar'), { data: Float64Array.of(2, 0), rows: 2, cols: 1 });
    assert.throws(
      () => encodeLabels([0, 3], 3),
      (e: unknown) => e instanceof InvalidArgumentError && /labels must be integers in \[0, 3\), but label 1 is 3/.test(e.message),
    );
    const x = { data: new Float64Array(4), rows: 4, cols: 1 };
    assert.throws(() => labelInformation(x, [0, 1], 2), /labels must have one entry per row of features \(4\), but got 2/);
  });

  test('the MI subset: seeded, distinct, ascending, all rows when asked for more', () => {
    const subset = chooseSubset(50000, 1000, 3);
    assert.equal(subset.length, 1000);
    assert.equal(new Set(subset).size, 1000);
    assert.ok(subset.every((v, i) => i === 0 || v > (subset[i - 1] as number)));
    assert.deepEqual(chooseSubset(50000, 1000, 3), subset);
    assert.notDeepEqual(chooseSubset(50000, 1000, 4), subset);
    assert.deepEqual([...chooseSubset(5, 10, 1)], [0, 1, 2, 3, 4]);
    const rows = selectRows({ data: Float32Array.of(0, 1, 10, 11, 20, 21), rows: 3, cols: 2 }, [2, 0]);
    assert.deepEqual(rows, { data: Float64Array.of(20, 21, 0, 1), rows: 2, cols: 2 });
  });
});
