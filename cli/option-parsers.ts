import { InvalidArgumentError } from 'commander';
import { TRIAL_STATES, type TrialState } from '../src/core/trial-state.js';
import { parseGpuList } from '../src/execution/device-ids.js';

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError(`expected a positive integer, but got "${value}"`);
  }
  return parsed;
}

/** A duration in seconds (fractions allowed), returned in milliseconds. */
export function seconds(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError(`expected a number of seconds >= 0, but got "${value}"`);
  }
  return Math.round(parsed * 1000);
}

export function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) {
    throw new InvalidArgumentError(`expected a whole number >= 0, but got "${value}"`);
  }
  return parsed;
}

/** A path or address that may come from an environment variable, where an empty one is easy to set by mistake. */
export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a value, but got an empty one');
  return value;
}

/** Commander's way to let an option be given several times: each value is appended (no default, so that help does not show `[]`). */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `--state complete,pruned` or `--state COMPLETE --state pruned`: states as users type them, in any
 * case. One value per option (not a variadic one), so that `--state complete STUDY` leaves the
 * study to its argument.
 */
export function trialStates(value: string, previous: readonly TrialState[] | undefined): TrialState[] {
  const states = [...(previous ?? [])];
  for (const word of value.split(',')) {
    const state = TRIAL_STATES.find((known) => known === word.trim().toUpperCase());
    if (state === undefined)
      throw new InvalidArgumentError(
        `expected trial states among ${TRIAL_STATES.join(', ')} (in any case, several separated by commas), but got "${word.trim()}"`,
      );
    if (!states.includes(state)) states.push(state);
  }
  return states;
}

/** `--columns a,b,c` (or the option again): names as typed, checked against the table when it is made. */
export function columnNames(value: string, previous: readonly string[] | undefined): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new InvalidArgumentError(`expected column names separated by commas, but got "${value}"`);
  return [...(previous ?? []), ...names];
}

/** `--gpus 0,1,2,3` or `--gpus none`: the devices a worker hands to runs (worker/devices/gpu-list.ts). */
export function gpuIds(value: string): string[] {
  try {
    return parseGpuList(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
