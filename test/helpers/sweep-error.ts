import assert from 'node:assert/strict';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { tinySweepYaml } from './tiny-sweep.js';

/** The ConfigError's message for a sweep made of the tiny sweep with some sections replaced. */
export function sweepErrorFor(overrides: Record<string, string>): string {
  try {
    parseSweep(tinySweepYaml(overrides), 'bad.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected the sweep to be rejected');
}
