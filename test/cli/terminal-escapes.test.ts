import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { jsonWithoutControls, visibleControls } from '../../src/logging/visible-controls.js';
import { runCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

// OSC 52 (ESC ] 52 ; c ; base64 BEL) writes the terminal's clipboard; a CSI (0x9b) sequence and
// ESC [ 2 J (clear the screen) stand for the rest.
const OSC52 = '\x1b]52;c;aGk=\x07';
const HOSTILE = `${OSC52}\x9b2J\x1b[2J`;
// eslint-disable-next-line no-control-regex -- the test looks for raw control characters
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('control characters in what the CLI prints', () => {
  test('visibleControls shows them and keeps newlines and tabs', () => {
    assert.equal(visibleControls(`a\tb\n${OSC52}\x9b\x7f`), 'a\tb\n\\x1b]52;c;aGk=\\x07\\x9b\\x7f');
    assert.equal(visibleControls('plain ü ✓'), 'plain ü ✓');
  });

  test('jsonWithoutControls keeps the JSON value', () => {
    const json = JSON.stringify({ v: HOSTILE });
    assert.doesNotMatch(jsonWithoutControls(json), RAW_CONTROL);
    assert.deepEqual(JSON.parse(jsonWithoutControls(json)), { v: HOSTILE });
  });

  test('run, best, trials and show print a parameter value with escapes as visible text', async () => {
    const dir = tempDir();
    const db = join(dir, 'escapes.db');
    const file = join(dir, 'escapes.yaml');
    writeFileSync(
      file,
      [
        'study: escapes',
        'seed: 1',
        'synthetic: { epochs: 1, epoch_seconds: 0, noise: 0 }',
        'space:',
        '  x: { type: float, low: 0, high: 1 }',
        `  mode: { type: categorical, choices: [${JSON.stringify(HOSTILE)}] }`,
        'budget: { trials: 2 }',
        '',
      ].join('\n'),
    );
    const outputs = [
      await runCli(['run', file, '--db', db, '--no-progress']),
      await runCli(['best', 'escapes', '--db', db]),
      await runCli(['trials', 'escapes', '--db', db]),
      await runCli(['show', 'escapes', '0', '--db', db]),
      await runCli(['trials', 'escapes', '--db', db, '--csv']),
    ];
    for (const [index, output] of outputs.entries()) {
      assert.equal(output.code, 0, output.stderr);
      if (index < 4) {
        assert.doesNotMatch(output.stdout, RAW_CONTROL, output.stdout);
        assert.match(output.stdout, /\\x1b\]52;c;aGk=\\x07\\x9b2J\\x1b\[2J/);
      }
    }
    // Into a pipe, CSV is the data byte for byte; JSON is the same value, with nothing raw.
    assert.ok(outputs[4]?.stdout.includes(HOSTILE));
    const json = await runCli(['trials', 'escapes', '--db', db, '--json']);
    assert.doesNotMatch(json.stdout, RAW_CONTROL);
    const parsed = JSON.parse(json.stdout) as { trials: { params: { mode: string } }[] };
    assert.equal(parsed.trials[0]?.params.mode, HOSTILE);
  });

  test('an error that repeats what was typed shows its escapes', async () => {
    const result = await runCli(['best', 'x', `--${OSC52}`]);
    assert.equal(result.code, 2);
    assert.doesNotMatch(result.stderr, RAW_CONTROL);
    assert.match(result.stderr, /\\x1b\]52/);
  });
});
