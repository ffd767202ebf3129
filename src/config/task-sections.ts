import { DATASET_FACTS } from '../datasets/dataset-catalog.js';
import type { PathProblem } from '../errors/path-problem.js';
import type { DatasetPaths } from './dataset-section.js';
import type { SyntheticSection } from '../synthetic/synthetic-section.js';
import { DEFAULT_TRAINING } from '../training/settings.js';
import { modelFromSection } from './model-section.js';
import type { TrainingTask } from '../training/training-task.js';
import type { SweepFile } from './sweep-schema.js';
import type { CommandSection, ModuleSection } from '../user-code/user-code-schema.js';

/** The sections of a sweep file that say what its trials run. */
export type TaskSections =
  | {
      readonly type: 'train';
      readonly dataset: NonNullable<SweepFile['dataset']>;
      readonly model?: SweepFile['model'];
      readonly training: NonNullable<SweepFile['training']>;
    }
  | { readonly type: 'synthetic'; readonly synthetic: SyntheticSection }
  | { readonly type: 'command'; readonly command: CommandSection }
  | { readonly type: 'module'; readonly module: ModuleSection };

const EITHER_OR =
  'a sweep either trains a built-in model (dataset and training), runs your program (command), calls your JavaScript module (module) or runs the synthetic task (synthetic)';
const TRAINING_SECTIONS = ['dataset', 'model', 'training'] as const;
/** The sections that each replace the training ones, in the order problems name them. */
const OTHER_TASKS = ['command', 'module', 'synthetic'] as const;

/** Which task the file describes: exactly one of `command:`, `module:`, `synthetic:`, or `dataset:` with `training:`. */
export function taskSections(file: SweepFile): { sections: TaskSections } | { problems: PathProblem[] } {
  const given = OTHER_TASKS.filter((name) => file[name] !== undefined);
  const first = given[0];
  if (first !== undefined) {
    const others = [...given.slice(1), ...TRAINING_SECTIONS.filter((name) => file[name] !== undefined)];
    if (others.length > 0) {
      return { problems: [{ path: [first], message: `cannot be combined with ${listed(others)}: ${EITHER_OR}, only one of them` }] };
    }
    if (file.command !== undefined) return { sections: { type: 'command', command: file.command } };
    if (file.module !== undefined) return { sections: { type: 'module', module: file.module } };
    if (file.synthetic !== undefined) return { sections: { type: 'synthetic', synthetic: file.synthetic } };
  }
  const { dataset, model, training } = file;
  if (dataset === undefined || training === undefined) {
    const missing = (['dataset', 'training'] as const).filter((name) => file[name] === undefined);
    return { problems: missing.map((name) => ({ path: [name], message: `is required: ${EITHER_OR}` })) };
  }
  return { sections: { type: 'train', dataset, ...(model !== undefined && { model }), training } };
}

/** Epochs per trial, and the field that sets them (for messages); a command or module may leave them to the program. */
export function sectionEpochs(sections: TaskSections): { epochs?: number; field: string } {
  switch (sections.type) {
    case 'train':
      return { epochs: sections.training.epochs, field: 'training.epochs' };
    case 'synthetic':
      return { epochs: sections.synthetic.epochs, field: 'synthetic.epochs' };
    case 'command':
      return { ...(!Array.isArray(sections.command) && { epochs: sections.command.epochs }), field: 'command.epochs' };
    case 'module':
      return { ...(typeof sections.module !== 'string' && { epochs: sections.module.epochs }), field: 'module.epochs' };
  }
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
