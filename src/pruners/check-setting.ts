import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/** Rejects a pruner setting that is not an integer >= `min`, naming it as the sweep file does. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be an integer >= ${min}, but got ${value}`);
  }
}

export function checkRange(name: string, value: number, min: number, max: number): void {
  if (!(value >= min && value <= max)) {
    throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, but got ${value}`);
  }
}
