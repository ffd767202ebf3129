import type { EpochMetrics } from '../core/metrics.js';
import type { ParamValues } from '../space/param-spec.js';
import { deriveSeed } from '../random/derive-seed.js';
import { hashParams } from '../random/hash-params.js';
import { Rng } from '../random/rng.js';
import { syntheticLoss } from './synthetic-loss.js';
import type { SyntheticTask } from './synthetic-task.js';

/** How much lower the training loss is than the validation loss, as a model that fits a little. */
const TRAIN_LOSS_RATIO = 0.9;

/**
 * The metrics of epoch `epoch` (1-based): the validation loss falls as L + 1/epoch towards the
 * final loss L, so every epoch ranks configurations alike; accuracies are 1 / (1 + loss).
 *
 * Noise goes on the validation metrics only. Its stream mixes the configuration in with the
 * seed and the epoch: the seed alone is the same for every trial of a repeat (common random
 * numbers), which would shift every trial alike and never change a ranking. So, as in real
 * training, the same configuration and seed always give the same numbers.
 */
export function syntheticMetrics(task: SyntheticTask, params: ParamValues, seed: number, epoch: number): EpochMetrics {
  const clean = syntheticLoss(task, params) + 1 / epoch;
  const noise = task.noise > 0 ? task.noise * new Rng(deriveSeed(seed, hashParams(params), epoch)).normal() : 0;
  // The wire refuses negative losses: noise cannot push a loss below 0.
  const valLoss = Math.max(0, clean + noise);
  const trainLoss = TRAIN_LOSS_RATIO * clean;
  return { trainLoss, trainAccuracy: accuracy(trainLoss), valLoss, valAccuracy: accuracy(valLoss) };
}

function accuracy(loss: number): number {
  return Math.min(1, Math.max(0, 1 / (1 + loss)));
}
