import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunKey } from '../../src/execution/run-assignment.js';
import { CommandExecutor } from '../../worker/command/command-executor.js';
import { DeviceAllocator } from '../../worker/devices/device-allocator.js';
import { commandAssignment, never, program, recorder } from '../helpers/command-runs.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const dir = tempDir('sweeper-command-devices-');
const devices = new DeviceAllocator<RunKey>(['7', 'GPU-b']);
const executor = new CommandExecutor({ slots: 4, logDir: join(dir, 'logs'), logger: silentLogger(), devices });
after(() => executor.close());

/** Writes its devices to `$1`, reports one epoch, then waits for `$2` to exist before exiting. */
const holder = program(
  dir,
  'holder.sh',
  `#!/bin/bash
echo "$CUDA_VISIBLE_DEVICES|$SWEEPER_GPUS|$CUDA_DEVICE_ORDER" > "$1"
echo '{"epoch": 1, "val_loss": 1}' >&3
read -r -u 4 decision
while [ ! -e "$2" ]; do sleep 0.05; done
`,
);

const key = { study: 'command test/study', trialNumber: 3, attempt: 2, repeat: 1 };

describe('CommandExecutor with devices', () => {
  test('a run holds its devices from spawn to exit; the next waits for them; a run without resources holds none', async (t) => {
    const { listener } = recorder();
    const [seenA, goA, seenB, goB, seenC, goC] = ['a.txt', 'a.go', 'b.txt', 'b.go', 'c.txt', 'c.go'].map((name) => join(dir, name)) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const started = (file: string): boolean => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n');
    const runA = executor.run(commandAssignment({ argv: [holder, seenA, goA], gpus: 2 }), listener, never());
    await until(() => started(seenA), { what: 'run A to start', signal: t.signal });
    assert.equal(readFileSync(seenA, 'utf8'), '7,GPU-b|7,GPU-b|PCI_BUS_ID\n');
    assert.deepEqual(devices.holders(), [{ holder: key, ids: ['7', 'GPU-b'] }]);

    const runB = executor.run(commandAssignment({ argv: [holder, seenB, goB], gpus: 1 }), listener, never());
    await until(() => devices.waiting === 1, { what: 'run B to wait for a device', signal: t.signal });
    assert.equal(existsSync(seenB), false, 'run B waits before its program starts');

    // A run asking for no GPU does not wait, and keeps the worker's (here: its env's) CUDA_VISIBLE_DEVICES.
    writeFileSync(goC, '');
    const endC = await executor.run(
      commandAssignment({ argv: [holder, seenC, goC], env: { CUDA_VISIBLE_DEVICES: 'mine' } }),
      listener,
      never(),
    );
    assert.equal(endC.status, 'finished', JSON.stringify(endC));
    assert.match(readFileSync(seenC, 'utf8'), /^mine\|\|/);

    writeFileSync(goA, '');
    assert.equal((await runA).status, 'finished');
    await until(() => started(seenB), { what: 'run B to start once A has ended', signal: t.signal });
    assert.equal(readFileSync(seenB, 'utf8'), '7|7|PCI_BUS_ID\n');
    writeFileSync(goB, '');
    assert.equal((await runB).status, 'finished');
    assert.equal(devices.free, 2);
    assert.deepEqual(devices.holders(), []);
  });

  test('a run stopped while it waits for devices ends as stopped, holding nothing', async (t) => {
    const { listener } = recorder();
    const [seenA, goA, seenB] = ['d.txt', 'd.go', 'e.txt'].map((name) => join(dir, name)) as [string, string, string];
    const runA = executor.run(commandAssignment({ argv: [holder, seenA, goA], gpus: 2 }), listener, never());
    await until(() => existsSync(seenA), { what: 'run A to start', signal: t.signal });
    const stop = new AbortController();
    const runB = executor.run(commandAssignment({ argv: [holder, seenB, goA], gpus: 1 }), listener, stop.signal);
    await until(() => devices.waiting === 1, { what: 'run B to wait for a device', signal: t.signal });
    stop.abort();
    assert.deepEqual(await runB, { status: 'stopped', epochs: 0, trainSeconds: 0 });
    assert.equal(devices.waiting, 0);
    assert.equal(existsSync(seenB), false);
    writeFileSync(goA, '');
    assert.equal((await runA).status, 'finished');
    assert.equal(devices.free, 2);
  });

  test('a run asking more GPUs than the worker has fails at once', async () => {
    const { listener } = recorder();
    const end = await executor.run(commandAssignment({ argv: [holder, join(dir, 'x'), join(dir, 'y')], gpus: 3 }), listener, never());
    assert.deepEqual(end, {
      status: 'error',
      message: 'resources.gpus asks 3 GPUs, but this worker has 2: start it with --gpus naming at least 3 (e.g. --gpus 0,1,2)',
    });
    assert.equal(devices.free, 2);
  });
});
