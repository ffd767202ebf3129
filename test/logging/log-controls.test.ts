import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../src/logging/create-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

test('log lines hold no raw control character, and the same JSON value', () => {
  const file = join(tempDir(), 'log.jsonl');
  const hostile = '\x1b]52;c;aGk=\x07\x9b2J\x7f';
  createLogger({ file }).info({ value: hostile }, 'a trial');
  const text = readFileSync(file, 'utf8');
  // eslint-disable-next-line no-control-regex -- looking for raw control characters
  assert.doesNotMatch(text.trimEnd(), /[\x00-\x1f\x7f-\x9f]/);
  assert.equal((JSON.parse(text) as { value: string }).value, hostile);
});
