import * as tf from '@tensorflow/tfjs';
import type { EpochReport, RunOutcome, TestEvaluation } from '../core/run-report.js';
import { deriveSeed } from '../random/derive-seed.js';
import { Rng } from '../random/rng.js';
import type { Direction } from '../core/direction.js';
import { BestWeights } from './best-weights.js';
import { captureState, restoreState, type TrainingState } from './checkpoint/training-state.js';
import { buildModel } from './build-model.js';
import { createOptimizer, disposeOptimizer, setLearningRate } from './create-optimizer.js';
import { MutualInformationProbe } from './mutual-information-probe.js';
import { createSchedule } from './schedules/create-schedule.js';
import { batchSizeAt } from './settings.js';
import type { TrialConfig } from './trial-config.js';
import { meanLossInChunks } from './inference-chunks.js';
import { evaluateTest } from './test-evaluation.js';
import { trainEpoch } from './train-epoch.js';
import { fusedTrainer } from './fused/fused-trainer.js';
import type { TensorPart, TrainingData } from './training-data.js';

export interface TrainRunOptions {
  readonly data: TrainingData;
  readonly config: TrialConfig;
  readonly seed: number;
  /** Picks the epoch whose weights are evaluated on the test set. */
  readonly objective: { readonly metric: string; readonly direction: Direction };
  readonly onEpoch: (report: EpochReport) => void;
  /** Checked after every batch, so that a pruned or interrupted run stops within one batch. */
  readonly shouldStop: () => boolean;
  /** A checkpoint to go on from: the run starts with the epoch after it, as if it had never stopped. */
  readonly resumeFrom?: TrainingState;
  /**
   * Called with the whole training state after every `every`-th epoch, and after the epoch at
   * whose end the run is told to stop (a stop within an epoch goes back to the last checkpoint).
   */
  readonly checkpoint?: {
    readonly every: number;
    /** After the last epoch too (the final model, kept by `checkpoint.keep`). */
    readonly final?: boolean;
    /** The run stops after this epoch, with a checkpoint (a decision point of PBT). */
    readonly stopAfter?: number;
    /** The state to go on from is another run's (PBT's exploit): its best epoch is not this run's. */
    readonly freshBest?: boolean;
    readonly save: (state: TrainingState) => void;
  };
  /**
   * Train an MLP with the fused WebAssembly step where it can (fused/fused-mlp.ts); false keeps
   * TensorFlow.js's kernels throughout (benchmarks and tests compare the two). Default true.
   */
  readonly fused?: boolean;
}

/**
 * Trains one model with one seed for the configured epochs, reporting each epoch. Train loss and
 * accuracy are averages over the epoch's batches (as Keras reports them); validation metrics are
 * measured after the epoch. A NaN or infinite training loss ends the run as diverged.
 */
export function trainRun(options: TrainRunOptions): RunOutcome {
  const { data, config, seed, objective, onEpoch, shouldStop, resumeFrom, checkpoint } = options;
  // Built before any tensor: a schedule whose settings cannot work fails the run without leaking
  // a model into the thread, which lives on for the next trials.
  const schedule = createSchedule(config.training);
  const model = buildModel(config.model, data.imageShape, data.classes, seed);
  const optimizer = createOptimizer(config.training);
  const best = new BestWeights(objective);
  const fused = options.fused === false ? undefined : fusedTrainer(model, optimizer, config.training);
  // The test set is seen once, at the end, by the best epoch's weights: never during training.
  const tested = (): { test?: TestEvaluation } =>
    data.test && best.restore(model) ? { test: evaluateTest(model, data.test, data.classes, best.epoch) } : {};
  const { epochs } = config.training;
  const learningRates: number[] = [...(resumeFrom?.learningRates ?? [])];
  const ihyll: number[] = [...(resumeFrom?.ihyll ?? [])];
  const train = data.train;
  let trainSeconds = resumeFrom?.trainSeconds ?? 0;
  let probe: MutualInformationProbe | undefined;
  try {
    if (resumeFrom) restoreState(checkpoint?.freshBest ? { ...resumeFrom, best: undefined } : resumeFrom, model, optimizer, best);
    if (schedule.measures.ihyll || schedule.measures.ixy) probe = miProbe(data, config, seed);
    const ixy = schedule.measures.ixy ? probe?.inputInformation() : undefined;
    for (let epoch = (resumeFrom?.epoch ?? 0) + 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const batchSize = batchSizeAt(config.training, epoch);
      const learningRate = schedule.learningRateFor(epoch, { learningRates, ihyll, ...(ixy !== undefined && { ixy }) });
      setLearningRate(optimizer, learningRate);
      learningRates.push(learningRate);
      const order = new Rng(deriveSeed(seed, epoch)).permutation(train.count);
      const totals = fused
        ? fused.trainEpoch({ optimizer, part: train, order, batchSize, shouldStop })
        : trainEpoch({ model, optimizer, part: train, order, batchSize, shouldStop });
      if (totals === 'stopped') {
        trainSeconds += (performance.now() - started) / 1000;
        return { status: 'stopped', epochs: epoch - 1, trainSeconds, ...tested() };
      }
      const { loss: trainLoss, accuracy: trainAccuracy } = totals;
      if (!Number.isFinite(trainLoss)) {
        trainSeconds += (performance.now() - started) / 1000;
        return { status: 'diverged', epoch, reason: `diverged at epoch ${epoch}: training loss is ${trainLoss}`, trainSeconds };
      }
      const validation = fused ? fused.evaluate(data.validation) : evaluate(model, data.validation);
      // Measured as part of the epoch: the schedule's cost is the trial's cost.
      const information = schedule.measures.ihyll ? probe?.outputInformation(model) : undefined;
      if (information !== undefined) ihyll.push(information);
      const epochSeconds = (performance.now() - started) / 1000;
      trainSeconds += epochSeconds;
      const metrics = {
        trainLoss,
        trainAccuracy,
        valLoss: validation.loss,
        valAccuracy: validation.accuracy,
        learningRate,
        epochSeconds,
        ...(information !== undefined && { mutualInformation: information }),
      };
      onEpoch({ epoch, metrics });
      best.offer(model, epoch, metrics);
      const stop = shouldStop() || epoch === checkpoint?.stopAfter;
      // After the last epoch there is nothing to go on to: only a kept final model needs one.
      const last = epoch === epochs;
      if (checkpoint && (last ? checkpoint.final === true : stop || epoch % checkpoint.every === 0))
        checkpoint.save(captureState(model, optimizer, best, { epoch, trainSeconds, learningRates, ihyll }));
      // A decision point is a pause, not an end: the test set waits for the member's last epoch.
      if (stop) return { status: 'stopped', epochs: epoch, trainSeconds, ...(epoch !== checkpoint?.stopAfter && tested()) };
    }
    return { status: 'finished', epochs, trainSeconds, ...tested() };
  } finally {
    probe?.dispose();
    best.dispose();
    disposeOptimizer(optimizer);
    model.dispose();
  }
}

/** Mean loss and accuracy of the model on one part of the data, in inference mode. */
export function evaluate(model: tf.LayersModel, part: TensorPart): { loss: number; accuracy: number } {
  let correct = 0;
  const loss = meanLossInChunks(model, part, (logits, start, size) => {
    correct += tf.equal(tf.argMax(logits, 1), part.labels.slice(start, size)).sum().dataSync()[0] as number;
  });
  return { loss, accuracy: correct / part.count };
}

/** The MI measurements of a run, on a subset fixed by its seed (so repeats of a seed share IXY). */
function miProbe(data: TrainingData, config: TrialConfig, seed: number): MutualInformationProbe {
  return new MutualInformationProbe(data.train, data.classes, {
    samples: config.training.mi_samples,
    neighbours: config.training.mi_neighbours,
    seed,
    dataKey: data.key,
  });
}
