import { DATASET_FACTS } from '../../src/datasets/dataset-catalog.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { NotFoundError } from '../../src/errors/not-found-error.js';
import type { RepeatResult, StudyRecord, TrialRecord } from '../../src/store/records.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { decodeCheckpoint } from '../../src/training/checkpoint/checkpoint-codec.js';
import type { TrainingState } from '../../src/training/checkpoint/training-state.js';
import { portableModel } from '../../src/training/export/portable-model.js';
import { writeModelFiles } from '../../src/training/export/model-files.js';
import type { TrainingTask } from '../../src/training/training-task.js';
import { resolveTrialConfig, type TrialConfig } from '../../src/training/trial-config.js';
import { openExistingStore } from '../open-existing-store.js';
import { printOut } from '../output/terminal.js';

export interface ExportModelFlags {
  readonly db: string;
  readonly checkpoints?: string;
  readonly output: string;
  readonly repeat?: number;
}

/**
 * Writes a trial's model from its kept checkpoint: the weights of its best epoch by the
 * objective (the model its test accuracy was measured with), as tf.loadLayersModel reads them.
 */
export async function exportModelCommand(name: string, number: number, flags: ExportModelFlags): Promise<void> {
  const store = await openExistingStore(flags.db, 'read', { ...(flags.checkpoints !== undefined && { checkpoints: flags.checkpoints }) });
  try {
    const study = await store.getStudy(name);
    const trial = await store.getTrial(study.id, number);
    const task = study.definition.task;
    if (task?.type !== 'train')
      throw new InvalidArgumentError(
        `study ${name} runs ${task ? `a ${task.type} task` : 'no task (ask/tell)'}: export-model writes the models of built-in training only`,
      );
    const repeats = await store.getRepeats(trial.id);
    const repeat = flags.repeat ?? (await closestRepeat(store, trial, repeats));
    const checkpoint = await store.loadCheckpoint(trial.id, repeat);
    if (!checkpoint)
      throw new NotFoundError(
        `trial ${number} of study ${name} kept no model of repeat ${repeat}: a trial's checkpoints are deleted when it ends, ` +
          'but for the best `checkpoint.keep` trials (set `checkpoint: { keep: N }` in the sweep file)',
      );
    const state = decodeCheckpoint(checkpoint.data);
    const config = resolveTrialConfig(task, trial.params);
    const { shape, classes } = DATASET_FACTS[task.dataset.name];
    const model = portableModel(config.model, shape, classes, state.best?.weights ?? state.weights);
    try {
      const described = about({ study, trial, repeat, state, config, task, result: repeats.find((r) => r.repeat === repeat) });
      const files = await writeModelFiles(model, flags.output, described).catch((error: unknown) => {
        throw new InvalidArgumentError(`-o ${flags.output}: cannot write the model there: ${(error as Error).message}`);
      });
      printOut(
        `wrote the model of trial ${number} of study ${name} (repeat ${repeat}, epoch ${described.epoch}) to ${flags.output}: ` +
          `${files.map((file) => file.split('/').at(-1)).join(', ')}\n`,
      );
    } finally {
      model.dispose();
    }
  } finally {
    await store.close();
  }
}

interface Exported {
  readonly study: StudyRecord;
  readonly trial: TrialRecord;
  readonly repeat: number;
  readonly state: TrainingState;
  readonly config: TrialConfig;
  readonly task: TrainingTask;
  readonly result: RepeatResult | undefined;
}

/** sweeper.json: what the model is, how to feed it, and how it was trained. */
function about({ study, trial, repeat, state, config, task, result }: Exported): Record<string, unknown> & { epoch: number } {
  const { shape, classes } = DATASET_FACTS[task.dataset.name];
  return {
    study: study.name,
    trial: trial.number,
    repeat,
    ...(result && { seed: result.seed }),
    epoch: state.best?.epoch ?? state.epoch,
    epochsTrained: state.epoch,
    objective: study.definition.objective,
    ...(state.best && { value: state.best.value }),
    params: trial.params,
    model: config.model,
    training: config.training,
    dataset: task.dataset,
    input: { shape: [shape[0] * shape[1] * shape[2]], image: shape, scale: 'each pixel / 255, rows of height x width x channels' },
    output: `${classes} logits (softmax gives the class probabilities)`,
    ...(result?.test && { test: { epoch: result.test.epoch, loss: result.test.loss, accuracy: result.test.accuracy } }),
  };
}

/** The repeat with a kept checkpoint whose value is closest to the trial's (its mean over repeats). */
async function closestRepeat(store: TrialStore, trial: TrialRecord, repeats: readonly RepeatResult[]): Promise<number> {
  const kept = new Set((await store.listCheckpoints(trial.id)).map((record) => record.repeat));
  const mean = trial.result?.value;
  const candidates = repeats.filter((r) => kept.has(r.repeat));
  if (mean === undefined || candidates.length === 0) return [...kept].sort((a, b) => a - b)[0] ?? 0;
  return candidates.reduce((best, r) => (Math.abs(r.value - mean) < Math.abs(best.value - mean) ? r : best)).repeat;
}
