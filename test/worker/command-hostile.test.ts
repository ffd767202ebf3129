import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunEnd } from '../../src/execution/run-assignment.js';
import { CommandExecutor } from '../../worker/command/command-executor.js';
import { commandAssignment, eventually, groupMembers, never, program, recorder, running } from '../helpers/command-runs.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('sweeper-hostile-');
const logDir = join(dir, 'logs');
const LOG_CAP = 1024 * 1024;
const executor = new CommandExecutor({ slots: 4, logDir, logFileMaxBytes: LOG_CAP, logger: silentLogger() });
after(() => executor.close());

/** Runs `body` as a shell script and returns the outcome. */
async function runScript(
  name: string,
  body: string,
  task: Parameters<typeof commandAssignment>[0] extends infer T ? Partial<T> : never = {},
  decide?: () => 'continue' | 'stop',
): Promise<RunEnd> {
  const path = program(dir, name, body);
  return executor.run(commandAssignment({ ...task, argv: [path] }), recorder(decide).listener, never());
}

function logOf(outcome: RunEnd): string {
  return ('log' in outcome && outcome.log) || '';
}

function message(outcome: RunEnd): string {
  assert.equal(outcome.status, 'error', JSON.stringify(outcome));
  return outcome.status === 'error' ? outcome.message : '';
}

describe('CommandExecutor with hostile programs', () => {
  test('exits 1 at once: the message has the code and the last stderr lines', async () => {
    const outcome = await runScript('exit1.sh', `echo "Traceback: boom" >&2\nexit 1\n`);
    assert.equal(message(outcome), 'exited with code 1; stderr ends:\nTraceback: boom');
    assert.match(logOf(outcome), /Traceback: boom/);
  });

  test('kills itself with SIGSEGV', async () => {
    const outcome = await runScript('segv.sh', `echo '{"epoch": 1, "val_loss": 0.5}' >&3\nkill -SEGV $$\n`);
    assert.equal(message(outcome), 'killed by SIGSEGV');
  });

  test('hangs past its timeout: SIGTERM, then FAILED', async () => {
    const outcome = await runScript('hang.sh', `exec sleep 600\n`, { timeoutSeconds: 1 });
    assert.equal(message(outcome), 'timed out after 1 s');
  });

  test('ignores SIGTERM: SIGKILL after the grace, and the run is stopped', async () => {
    const outcome = await runScript(
      'stubborn.sh',
      `trap '' TERM\necho '{"epoch": 1, "val_loss": 0.5}' >&3\nwhile true; do sleep 1; done\n`,
      { graceSeconds: 1 },
      () => 'stop',
    );
    assert.equal(outcome.status, 'stopped', JSON.stringify(outcome));
  });

  test('a grandchild that ignores SIGTERM does not outlive the run', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const outcome = await runScript(
      'grandchild.sh',
      `(trap '' TERM; exec sleep 600) &\necho $! > ${pidFile}\necho '{"epoch": 1, "val_loss": 0.5}' >&3\nexit 0\n`,
    );
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(await eventually(() => !running(pid)), `grandchild ${pid} still runs`);
  });

  test('processes that leave the group with setsid do not outlive the run, whether or not they hold its pipes', async () => {
    const detached = join(dir, 'setsid-detached.pid');
    const holding = join(dir, 'setsid-holding.pid');
    const outcome = await runScript(
      'setsid.sh',
      [
        // A daemon: a session of its own, no pipes of the run.
        `setsid sh -c 'trap "" TERM; exec sleep 600' </dev/null >/dev/null 2>&1 3>&- 4>&- &`,
        `echo $! > ${detached}`,
        // One that keeps the run's stdout, stderr and fd 3 open.
        `setsid sh -c 'trap "" TERM; exec sleep 600' &`,
        `echo $! > ${holding}`,
        `echo '{"epoch": 1, "val_loss": 0.5}' >&3`,
        'exit 0',
      ].join('\n'),
    );
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    for (const file of [detached, holding]) {
      const pid = Number(readFileSync(file, 'utf8'));
      assert.ok(await eventually(() => !running(pid)), `${file}: ${pid} still runs`);
    }
  });

  test('garbage on fd 3 fails the run', async () => {
    const outcome = await runScript('garbage.sh', `echo 'hello world' >&3\nsleep 600\n`);
    assert.equal(message(outcome), 'a report line must be a JSON object, but got "hello world"');
  });

  test('a 10 MB report line fails the run without being buffered', async () => {
    const outcome = await runScript('long-line.sh', `head -c 10000000 /dev/zero | tr '\\0' a >&3\necho >&3\nsleep 600\n`);
    assert.equal(message(outcome), 'a report line is longer than 64 KiB');
  });

  test('a NaN metric (as Python writes it) fails the run as NaN, not as malformed JSON', async () => {
    const outcome = await runScript(
      'nan.py',
      `#!/usr/bin/env python3
import json, os
for epoch, loss in [(1, 0.5), (2, 0.4), (3, float('nan'))]:
    os.write(3, (json.dumps({"epoch": epoch, "val_loss": loss}) + "\\n").encode())
`,
    );
    assert.equal(message(outcome), 'val_loss is NaN at epoch 3');
  });

  test('an epoch reported twice, and one reported backwards, fail the run', async () => {
    const twice = await runScript('twice.sh', `echo '{"epoch": 1, "val_loss": 0.5}' >&3\necho '{"epoch": 1, "val_loss": 0.5}' >&3\n`);
    assert.equal(message(twice), 'epoch 1 was reported twice');
    const backwards = await runScript(
      'backwards.sh',
      `echo '{"epoch": 1, "val_loss": 0.5}' >&3\necho '{"epoch": 2, "val_loss": 0.5}' >&3\necho '{"epoch": 1, "val_loss": 0.5}' >&3\n`,
    );
    assert.equal(message(backwards), 'epoch 1 was reported after epoch 2 (backwards)');
  });

  test('thousands of report lines at once against a slow listener: all handled, in order', async () => {
    const path = program(
      dir,
      'many.sh',
      `i=1\nwhile [ $i -le 2000 ]; do echo "{\\"epoch\\": $i, \\"val_loss\\": 0.5}"; i=$((i+1)); done >&3\n`,
    );
    const epochs: number[] = [];
    const outcome = await executor.run(
      commandAssignment({ argv: [path] }),
      {
        onEpoch: async (report) => {
          await new Promise((resolve) => setImmediate(resolve));
          epochs.push(report.epoch);
          return 'continue' as const;
        },
      },
      never(),
    );
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    assert.equal(epochs.length, 2000);
    assert.ok(epochs.every((epoch, index) => epoch === index + 1));
  });

  test('a program flooding stdout: memory stays bounded, the log file is capped, the tail is whole lines', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const outcome = await runScript(
      'flood.sh',
      `yes 'a line of output' | head -c 200000000\necho '{"epoch": 1, "val_loss": 0.5}' >&3\n`,
    ).finally(() => clearInterval(sampler));
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome).slice(0, 300));
    assert.ok(peak - before < 100 * 1024 * 1024, `RSS grew by ${(peak - before) / 1024 / 1024} MB`);
    const logFile = await executor.logFileOf({ study: 'command test/study', trialNumber: 3, repeat: 1, attempt: 2 });
    assert.equal(logFile, join(logDir, 'command_test_study', '3.1@2.log'));
    assert.ok(existsSync(logFile));
    assert.ok(statSync(logFile).size < LOG_CAP + 1024, `log file is ${statSync(logFile).size} bytes`);
    assert.match(readFileSync(logFile, 'utf8'), /the rest of the output was dropped/);
    const lines = logOf(outcome)
      .split('\n')
      .filter((line) => line !== '');
    assert.ok(lines.length > 100);
    assert.ok(lines.slice(0, -1).every((line) => line === 'a line of output'));
  });
});

describe('the reaper', () => {
  test("a worker killed by SIGKILL takes its runs' process groups with it, and what left them with setsid", async () => {
    const pidFile = join(dir, 'leader.pid');
    const strayFile = join(dir, 'stray.pid');
    const longRun = program(
      dir,
      'long-run.sh',
      `setsid sh -c 'trap "" TERM; exec sleep 600' </dev/null >/dev/null 2>&1 &\necho $! > ${strayFile}\n` +
        `echo $$ > ${pidFile}\n(trap '' TERM; exec sleep 600) &\nexec sleep 600\n`,
    );
    const executorModule = fileURLToPath(new URL('../../worker/command/command-executor.js', import.meta.url));
    const script = join(dir, 'worker.mjs');
    writeFileSync(
      script,
      `import { CommandExecutor } from ${JSON.stringify(executorModule)};
const executor = new CommandExecutor({ slots: 1, logDir: ${JSON.stringify(logDir)} });
const assignment = ${JSON.stringify(commandAssignment({ argv: [longRun], graceSeconds: 1 }))};
await executor.run(assignment, { onEpoch: () => 'continue' }, new AbortController().signal);
`,
    );
    const worker = spawn(process.execPath, [script], { stdio: 'inherit' });
    try {
      assert.ok(
        await eventually(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 20_000),
        'the program never started',
      );
      const pgid = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(await eventually(() => groupMembers(pgid).length >= 2, 20_000), 'the grandchild never started');
      worker.kill('SIGKILL');
      assert.ok(
        await eventually(() => groupMembers(pgid).length === 0, 30_000),
        `group ${pgid} still has ${groupMembers(pgid).join(', ')}`,
      );
      const stray = Number(readFileSync(strayFile, 'utf8'));
      assert.ok(await eventually(() => !running(stray), 30_000), `the stray ${stray} still runs`);
    } finally {
      worker.kill('SIGKILL');
    }
  });
});
