import { InvalidArgumentError } from './invalid-argument-error.js';

/**
 * A training setting whose value cannot work with the others (lr_max below lr_min). It names the
 * setting apart from the message, so that a sweep file's check can point at the field without
 * reading it out of the text.
 */
export class InvalidSettingError extends InvalidArgumentError {
  constructor(
    readonly setting: string,
    /** What was wrong, after the setting's name: "must be at least lr_min (0.2), but got 0.1". */
    readonly problem: string,
  ) {
    super(`${setting} ${problem}`);
    this.name = 'InvalidSettingError';
  }
}
