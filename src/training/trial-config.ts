import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ParamValues } from '../space/param-spec.js';
import { describeValue } from '../validation/zod-problems.js';
import { isSetting, SETTINGS, MODEL_SETTINGS, type ModelConfig, type TrainingConfig } from './settings.js';
import type { TrainingTask } from './training-task.js';

export interface TrialConfig {
  readonly model: ModelConfig;
  readonly training: TrainingConfig;
}

/**
 * The settings one trial trains with: the sweep's model and training settings, overridden by
 * its parameters. Each value is checked again here because assignments may come off the wire.
 */
export function resolveTrialConfig(task: TrainingTask, params: ParamValues): TrialConfig {
  const model: Record<string, unknown> = { ...task.model };
  const training: Record<string, unknown> = { ...task.training };
  for (const [name, value] of Object.entries(params)) {
    if (!isSetting(name)) throw new InvalidArgumentError(`parameter ${name} is not a model or training setting`);
    if (!SETTINGS[name].safeParse(value).success) throw new InvalidArgumentError(`parameter ${name} cannot be ${describeValue(value)}`);
    if (Object.hasOwn(MODEL_SETTINGS, name)) model[name] = value;
    else training[name] = value;
  }
  return { model: model as unknown as ModelConfig, training: training as unknown as TrainingConfig };
}
