import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Hostile programs as a user meets them: `sweeper run` of a command sweep whose program misbehaves
 * in the way its trial's `behaviour` names (a grid, so each is one trial), two at a time. Each
 * trial ends in the state and with the reason a user needs, and the sweep carries on to the end.
 */
const PROGRAM = `#!/bin/bash
report() { printf '%s\\n' "$1" >&3; read -r -u 4 decision; }
case "$1" in
  ok) report '{"epoch": 1, "val_loss": 0.5}'; report '{"epoch": 2, "val_loss": 0.25, "f1": 0.5}' ;;
  exit1) echo "Traceback: boom" >&2; exit 1 ;;
  segv) kill -SEGV $$ ;;
  hang) sleep 600 ;;
  deaf) trap '' TERM; report '{"epoch": 1, "val_loss": 0.5}'; sleep 600 ;;
  garbage) echo 'this is not json' >&3 ;;
  nan) echo '{"epoch": 1, "val_loss": NaN}' >&3 ;;
  twice) report '{"epoch": 1, "val_loss": 0.5}'; report '{"epoch": 1, "val_loss": 0.4}' ;;
  backwards) report '{"epoch": 1, "val_loss": 0.5}'; report '{"epoch": 2, "val_loss": 0.4}'; report '{"epoch": 1, "val_loss": 0.3}' ;;
  longline) head -c 10000000 /dev/zero | tr '\\0' 'x' >&3 ;;
  flood) head -c 50000000 /dev/zero | tr '\\0' 'y'; report '{"epoch": 1, "val_loss": 0.5}' ;;
esac
`;

/** The reason each behaviour's trial must give, or COMPLETE. */
const EXPECTED: Record<string, RegExp | 'COMPLETE'> = {
  ok: 'COMPLETE',
  flood: 'COMPLETE',
  exit1: /exited with code 1; stderr ends:\nTraceback: boom/,
  segv: /killed by SIGSEGV/,
  hang: /timed out after 3 s/,
  garbage: /a report line must be a JSON object, but got "this is not json"/,
  nan: /val_loss is NaN at epoch 1/,
  twice: /epoch 1 was reported twice/,
  backwards: /epoch 1 was reported after epoch 2 \(backwards\)/,
  longline: /a report line is longer than 64 KiB/,
  deaf: /timed out after 3 s/,
};

interface TrialJson {
  state: string;
  reason: string | null;
  value: number | null;
  params: { behaviour: string };
}

describe('sweeper run of a command sweep', () => {
  test('hostile programs each fail their own trial, with the reason; the sweep goes on to the end', { timeout: 5 * 60_000 }, async () => {
    const dir = tempDir('sweeper-command-sweep-');
    writeFileSync(join(dir, 'train.sh'), PROGRAM, { mode: 0o755 });
    const behaviours = Object.keys(EXPECTED);
    writeFileSync(
      join(dir, 'sweep.yaml'),
      [
        'study: hostile',
        'command:',
        '  argv: [./train.sh, "${behaviour}"]',
        '  epochs: 3',
        '  timeout: 3',
        '  grace: 1',
        'space:',
        `  behaviour: { type: categorical, choices: [${behaviours.join(', ')}] }`,
        'sampler: { type: grid }',
        'objective: { metric: val_loss, direction: minimize }',
      ].join('\n'),
    );
    const run = await runCli(['run', 'sweep.yaml', '--db', 'runs.db', '--threads', '2', '--no-progress'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const listed = await runCli(['trials', 'hostile', '--db', 'runs.db', '--json'], { cwd: dir });
    assert.equal(listed.code, 0, listed.stderr);
    const trials = (JSON.parse(listed.stdout) as { trials: TrialJson[] }).trials;
    assert.deepEqual(trials.map((t) => t.params.behaviour).sort(), [...behaviours].sort(), 'every behaviour ran once');
    for (const trial of trials) {
      const expected = EXPECTED[trial.params.behaviour];
      if (expected === 'COMPLETE') assert.equal(trial.state, 'COMPLETE', `${trial.params.behaviour}: ${trial.reason}`);
      else {
        assert.equal(trial.state, 'FAILED', trial.params.behaviour);
        assert.match(trial.reason ?? '', expected ?? /an expected reason/, trial.params.behaviour);
      }
    }
    const ok = trials.find((t) => t.params.behaviour === 'ok');
    assert.equal(ok?.value, 0.25, 'the best epoch of the well-behaved program');
  });
});
