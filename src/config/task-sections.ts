import { DATASET_FACTS } from '../datasets/dataset-catalog.js';
import type { PathProblem } from '../errors/path-problem.js';
import type { DatasetPaths } from './dataset-section.js';
import type { SyntheticSection } from '../synthetic/synthetic-section.js';
import { DEFAULT_TRAINING } from '../training/settings.js';
import { modelFromSection } from './model-section.js';
import type { TrainingTask } from '../training/training-task.js';
import type { SweepFile } from './sweep-schema.js';

/** The sections of a sweep file that say what its trials run. */
export type TaskSections =
  | {
      readonly type: 'train';
      readonly dataset: NonNullable<SweepFile['dataset']>;
      readonly model?: SweepFile['model'];
      readonly training: NonNullable<SweepFile['training']>;
    }
  | { readonly type: 'synthetic'; readonly synthetic: SyntheticSection };

const EITHER_OR = 'a sweep either trains a model (dataset and training) or runs the synthetic task (synthetic)';
const TRAINING_SECTIONS = ['dataset', 'model', 'training'] as const;

/** Which task the file describes: exactly one of `synthetic:`, or `dataset:` with `training:`. */
export function taskSections(file: SweepFile): { sections: TaskSections } | { problems: PathProblem[] } {
  if (file.synthetic !== undefined) {
    const others = TRAINING_SECTIONS.filter((name) => file[name] !== undefined);
    if (others.length > 0) {
      return { problems: [{ path: ['synthetic'], message: `cannot be combined with ${listed(others)}: ${EITHER_OR}, not both` }] };
    }
    return { sections: { type: 'synthetic', synthetic: file.synthetic } };
  }
  const { dataset, model, training } = file;
  if (dataset === undefined || training === undefined) {
    const missing = (['dataset', 'training'] as const).filter((name) => file[name] === undefined);
    return { problems: missing.map((name) => ({ path: [name], message: `is required: ${EITHER_OR}` })) };
  }
  return { sections: { type: 'train', dataset, ...(model !== undefined && { model }), training } };
}

/** Epochs per trial, and the field that sets them (for messages). */
export function sectionEpochs(sections: TaskSections): { epochs: number; field: string } {
  return sections.type === 'train'
    ? { epochs: sections.training.epochs, field: 'training.epochs' }
    : { epochs: sections.synthetic.epochs, field: 'synthetic.epochs' };
}

/**
 * The normalised training task: every setting present, the split seeded by the study unless set.
 * `paths` are the dataset's dir and files made absolute (see dataset-section.ts): workers look
 * them up on their own disks.
 */
export function trainingTaskFromSections(
  sections: Extract<TaskSections, { type: 'train' }>,
  studySeed: number,
  paths: DatasetPaths = {},
): TrainingTask {
  const { dataset } = sections;
  const bundled = DATASET_FACTS[dataset.name].format === 'bundled';
  return {
    type: 'train',
    dataset: {
      name: dataset.name,
      ...(paths.dir !== undefined && { dir: paths.dir }),
      ...(paths.files !== undefined && { files: paths.files }),
      validation: dataset.validation,
      // Bundled data has no test files: its test part is cut from the pool, none by default.
      ...(bundled ? { test: dataset.test ?? 0 } : dataset.test !== undefined && { test: dataset.test }),
      ...(dataset.limit !== undefined && { limit: dataset.limit }),
      seed: dataset.seed ?? studySeed,
    },
    model: modelFromSection(sections.model),
    training: { ...DEFAULT_TRAINING, ...sections.training },
  };
}

/** "a", "a and b", "a, b and c". */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}
