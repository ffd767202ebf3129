import { InvalidSettingError } from '../errors/invalid-setting-error.js';
import type { PathProblem } from '../errors/path-problem.js';
import type { SearchSpaceDefinition } from '../space/param-spec.js';
import { DEFAULT_TRAINING, type TrainingConfig } from '../training/settings.js';
import { SCHEDULE_SETTINGS } from '../training/schedule-settings.js';
import { createSchedule } from '../training/schedules/create-schedule.js';

/**
 * Builds the schedule of the file's fixed training settings, so that an impossible combination
 * written in the file (lr_min above lr_max) is refused before anything runs. When the space
 * varies a setting the schedule reads, each trial's combination is checked when it starts
 * instead, and a bad one fails that trial with the same message.
 */
export function checkScheduleSettings(
  training: Partial<TrainingConfig> & { epochs: number },
  space: SearchSpaceDefinition | undefined,
): PathProblem[] {
  const varied = Object.keys(space ?? {}).some((name) => name === 'learning_rate' || Object.hasOwn(SCHEDULE_SETTINGS, name));
  if (varied) return [];
  try {
    createSchedule({ ...DEFAULT_TRAINING, ...training });
    return [];
  } catch (error) {
    if (!(error instanceof InvalidSettingError)) throw error;
    return [{ path: ['training', error.setting], message: error.problem }];
  }
}
