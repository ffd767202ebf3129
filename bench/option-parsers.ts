import { InvalidArgumentError } from 'commander';
import { positiveInteger } from '../cli/option-parsers.js';

/** Commander parser for a comma-separated list of positive integers, e.g. --trials 100,1000. */
export function positiveIntegers(value: string): number[] {
  return value.split(',').map((part) => positiveInteger(part.trim()));
}

/** Commander parser factory for a comma-separated list of names taken from `allowed`. */
export function namesFrom(allowed: readonly string[]): (value: string) => string[] {
  return (value) =>
    value.split(',').map((part) => {
      const name = part.trim();
      if (!allowed.includes(name)) throw new InvalidArgumentError(`expected names from ${allowed.join(', ')}, but got "${name}"`);
      return name;
    });
}

/** Commander parser for a seed: a whole number from 0 to 2^32 - 1. */
export function seed(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed > 2 ** 32 - 1)
    throw new InvalidArgumentError(`expected a seed from 0 to 4294967295, but got "${value}"`);
  return parsed;
}

/** Commander parser for a duration in seconds: a number > 0. */
export function positiveSeconds(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0)
    throw new InvalidArgumentError(`expected a number of seconds > 0, but got "${value}"`);
  return parsed;
}

/** Exits with code 2 unless the slots share out evenly: each worker gets slots/workers threads. */
export function exitUnlessSlotsShare(slots: number, workers: number): void {
  if (slots % workers === 0) return;
  console.error(`error: --slots (${slots}) must be a multiple of --workers (${workers}): each worker gets slots/workers threads`);
  process.exit(2);
}
