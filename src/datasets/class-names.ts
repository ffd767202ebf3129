import type { DatasetName } from './dataset-spec.js';

/** Fashion-MNIST's labels 0..9, as Zalando's README lists them. */
const FASHION_MNIST = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/**
 * EMNIST balanced's 47 labels (emnist-balanced-mapping.txt): the digits, the 26 capitals, then the
 * 11 lower-case letters whose shapes differ from their capitals (c, i, j, k, l, m, o, p, s, u, v,
 * w, x, y, z were merged into them).
 */
const EMNIST_BALANCED = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt'];

/** CIFAR-10's labels 0..9 (batches.meta.txt). */
const CIFAR_10 = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Names of the classes where a label's number does not say it (MNIST's label 3 is the digit 3). */
const CLASS_NAMES: Readonly<Record<DatasetName, readonly string[] | undefined>> = {
  'bundled-mnist': undefined,
  mnist: undefined,
  'fashion-mnist': FASHION_MNIST,
  'emnist-balanced': EMNIST_BALANCED,
  'cifar-10': CIFAR_10,
};

/**
 * What a study's definition says about its data: a training task names its dataset. Only this
 * part, so that datasets/ does not depend on the definition, which sits above it.
 */
export interface StudyData {
  readonly task?: { readonly type: string; readonly dataset?: { readonly name: DatasetName } };
}

/**
 * The names of a study's classes, by label, when its dataset has names beyond the label numbers;
 * undefined otherwise (digits, the synthetic task, ask/tell studies).
 */
export function studyClassNames(definition: StudyData): readonly string[] | undefined {
  const task = definition.task;
  return task?.type === 'train' && task.dataset ? CLASS_NAMES[task.dataset.name] : undefined;
}

/** "6 Shirt" where the class has a name, "6" where its number is its name. */
export function classLabel(label: number, names: readonly string[] | undefined): string {
  const name = names?.[label];
  return name === undefined || name === String(label) ? String(label) : `${label} ${name}`;
}
