import { checkEpoch, MEASURES_NOTHING, type LearningRateSchedule } from './learning-rate-schedule.js';

/** The same rate every epoch. */
export function constantSchedule(learningRate: number): LearningRateSchedule {
  return {
    measures: MEASURES_NOTHING,
    learningRateFor(epoch) {
      checkEpoch(epoch);
      return learningRate;
    },
  };
}

/**
 * Linear warm-up: epochs 1..warmupEpochs rise evenly from `from` (epoch 1) towards learningRate,
 * which epoch warmupEpochs + 1 and later train with. Seed 003's "0.001 to 0.01, linear in 5
 * epochs" is 0.001, 0.0028, 0.0046, 0.0064, 0.0082, then 0.01: five epochs of warm-up, as in Goyal
 * et al., whose per-iteration ramp reaches the target rate as the sixth epoch starts.
 */
export function warmupSchedule(learningRate: number, from: number, warmupEpochs: number): LearningRateSchedule {
  return {
    measures: MEASURES_NOTHING,
    learningRateFor(epoch) {
      checkEpoch(epoch);
      return warmupRate(epoch, learningRate, from, warmupEpochs);
    },
  };
}

/** Multiplies the rate by `factor` every `every` epochs: epochs 1..every train with learningRate. */
export function stepSchedule(learningRate: number, every: number, factor: number): LearningRateSchedule {
  return {
    measures: MEASURES_NOTHING,
    learningRateFor(epoch) {
      checkEpoch(epoch);
      return learningRate * factor ** Math.floor((epoch - 1) / every);
    },
  };
}

export interface CosineOptions {
  readonly learningRate: number;
  readonly min: number;
  /** The run's epochs: the decay spans those after the warm-up. */
  readonly epochs: number;
  /** Linear warm-up epochs before the decay (as warmupSchedule); 0 for none. */
  readonly warmupEpochs?: number;
  readonly warmupFrom?: number;
}

/**
 * Cosine decay (Loshchilov and Hutter's SGDR without restarts): after the warm-up, decay epoch e
 * (0-based among the D decay epochs) trains with min + (learningRate - min)(1 + cos(pi e / D)) / 2.
 * As in PyTorch's CosineAnnealingLR the last epoch stays just above min rather than at it, so no
 * epoch is spent at a rate that may be 0.
 */
export function cosineSchedule({
  learningRate,
  min,
  epochs,
  warmupEpochs = 0,
  warmupFrom = learningRate,
}: CosineOptions): LearningRateSchedule {
  const decayEpochs = Math.max(1, epochs - warmupEpochs);
  return {
    measures: MEASURES_NOTHING,
    learningRateFor(epoch) {
      checkEpoch(epoch);
      if (epoch <= warmupEpochs) return warmupRate(epoch, learningRate, warmupFrom, warmupEpochs);
      const progress = Math.min(1, (epoch - 1 - warmupEpochs) / decayEpochs);
      return min + ((learningRate - min) * (1 + Math.cos(Math.PI * progress))) / 2;
    },
  };
}

function warmupRate(epoch: number, learningRate: number, from: number, warmupEpochs: number): number {
  if (epoch > warmupEpochs) return learningRate;
  return from + ((learningRate - from) * (epoch - 1)) / warmupEpochs;
}
