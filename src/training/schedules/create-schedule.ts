import { InvalidSettingError } from '../../errors/invalid-setting-error.js';
import type { ScheduleConfig } from '../schedule-settings.js';
import { constantSchedule, cosineSchedule, stepSchedule, warmupSchedule } from './fixed-schedules.js';
import type { LearningRateSchedule } from './learning-rate-schedule.js';
import { MI_IXY_DEFAULTS, miIxySchedule } from './mi-ixy-policy.js';
import { MI_RELATIVE_DEFAULTS, miRelativeSchedule } from './mi-relative-policy.js';

/** What a schedule is built from: a trial's training settings (TrainingConfig has them all). */
export interface ScheduleSettings extends ScheduleConfig {
  readonly learning_rate: number;
  readonly epochs: number;
}

/**
 * The trial's schedule. Settings are checked one by one by their setting schemas when a sweep is
 * loaded; here the combinations, since a search space can pair any values. Throws
 * InvalidSettingError naming the setting and what was expected.
 */
export function createSchedule(settings: ScheduleSettings): LearningRateSchedule {
  const { lr_schedule: name, learning_rate: learningRate } = settings;
  switch (name) {
    case 'constant':
      return constantSchedule(learningRate);
    case 'warmup':
      return warmupSchedule(learningRate, settings.warmup_from, settings.warmup_epochs);
    case 'step':
      return stepSchedule(learningRate, settings.step_every, settings.step_factor);
    case 'cosine':
    case 'warmup_cosine':
      if (settings.lr_min > learningRate) {
        throw new InvalidSettingError(
          'lr_min',
          `must be at most learning_rate (${learningRate}) for the ${name} schedule, which decays to it, but got ${settings.lr_min}`,
        );
      }
      return cosineSchedule({
        learningRate,
        min: settings.lr_min,
        epochs: settings.epochs,
        ...(name === 'warmup_cosine' && { warmupEpochs: settings.warmup_epochs, warmupFrom: settings.warmup_from }),
      });
    case 'mi_relative':
      checkNeighbours(settings);
      return miRelativeSchedule({
        lrMin: settings.lr_min,
        lrMax: settings.lr_max,
        gamma1: settings.mi_gamma1 ?? MI_RELATIVE_DEFAULTS.gamma1,
        gamma2: settings.mi_gamma2 ?? MI_RELATIVE_DEFAULTS.gamma2,
        epsilon: settings.mi_epsilon,
      });
    case 'mi_ixy':
      checkNeighbours(settings);
      return miIxySchedule({
        lrMin: settings.lr_min,
        lrMax: settings.lr_max,
        gamma1: settings.mi_gamma1 ?? MI_IXY_DEFAULTS.gamma1,
        gamma2: settings.mi_gamma2 ?? MI_IXY_DEFAULTS.gamma2,
        gamma3: settings.mi_gamma3 ?? MI_IXY_DEFAULTS.gamma3,
        epsilon: settings.mi_epsilon,
      });
  }
}

function checkNeighbours(settings: ScheduleSettings): void {
  if (settings.mi_neighbours >= settings.mi_samples) {
    throw new InvalidSettingError('mi_neighbours', `must be below mi_samples (${settings.mi_samples}), but got ${settings.mi_neighbours}`);
  }
}
