import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess, startWorkerProcess } from '../helpers/cluster.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/**
 * Command runs on fake GPUs (`--gpus` ids; no GPU is needed): a program records the devices it
 * was given and when it ran, reports one epoch, and exits. Each run must have seen a set of the
 * size asked for, of the worker's ids, and no two runs that were alive at the same time may have
 * shared a device. The first `barrier` runs wait for one another, so that concurrency is certain
 * without any timing: with a broken allocator they would share devices, or never all start.
 */
const PROGRAM = `#!/bin/bash
log="$1"; barrier="$2"
echo "start $SWEEPER_TRIAL.$SWEEPER_REPEAT [$CUDA_VISIBLE_DEVICES] [$SWEEPER_GPUS] $CUDA_DEVICE_ORDER $(date +%s%N)" >> "$log"
while [ "$(grep -c '^start' "$log")" -lt "$barrier" ]; do sleep 0.05; done
echo '{"epoch": 1, "val_loss": 1}' >&3
read -r -u 4 decision
echo "end $SWEEPER_TRIAL.$SWEEPER_REPEAT $(date +%s%N)" >> "$log"
`;

interface RunRecord {
  readonly run: string;
  readonly gpus: string[];
  readonly sweeperGpus: string;
  readonly order: string;
  readonly start: bigint;
  end?: bigint;
}

function readRecords(log: string): RunRecord[] {
  const runs = new Map<string, RunRecord>();
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    const start = /^start (\S+) \[([^\]]*)\] \[([^\]]*)\] (\S+) (\d+)$/.exec(line);
    const end = /^end (\S+) (\d+)$/.exec(line);
    if (start) {
      const [, run = '', visible = '', sweeperGpus = '', order = '', at = '0'] = start;
      runs.set(run, { run, gpus: visible === '' ? [] : visible.split(','), sweeperGpus, order, start: BigInt(at) });
    } else if (end) {
      const record = runs.get(end[1] ?? '');
      assert.ok(record, `an end without a start: ${line}`);
      record.end = BigInt(end[2] ?? '0');
    } else assert.fail(`an unexpected line: ${line}`);
  }
  return [...runs.values()];
}

function writeSweep(dir: string, study: string, options: { trials: number; gpus: number; barrier: number }): void {
  writeFileSync(join(dir, 'train.sh'), PROGRAM, { mode: 0o755 });
  writeFileSync(
    join(dir, `${study}.yaml`),
    [
      `study: ${study}`,
      'command:',
      `  argv: [${join(dir, 'train.sh')}, ${join(dir, `${study}.runs`)}, "${options.barrier}", "\${x}"]`,
      '  timeout: 120',
      `  resources: { gpus: ${options.gpus} }`,
      'space:',
      `  x: { type: categorical, choices: [${Array.from({ length: options.trials }, (_, i) => i + 1).join(', ')}] }`,
      'sampler: { type: grid }',
      'objective: { metric: val_loss, direction: minimize }',
    ].join('\n'),
  );
}

/** Every run saw `gpus` distinct ids of `devices`; runs alive at once shared none. */
function checkRuns(records: readonly RunRecord[], devices: readonly string[], gpus: number): void {
  for (const record of records) {
    assert.equal(record.gpus.length, gpus, `${record.run} saw ${record.gpus.join(',')}`);
    assert.equal(new Set(record.gpus).size, gpus, `${record.run} saw a device twice: ${record.gpus.join(',')}`);
    for (const id of record.gpus) assert.ok(devices.includes(id), `${record.run} saw ${id}, which is not a device of the worker`);
    assert.equal(record.sweeperGpus, record.gpus.join(','), 'SWEEPER_GPUS is CUDA_VISIBLE_DEVICES');
    assert.equal(record.order, 'PCI_BUS_ID');
    assert.ok(record.end !== undefined, `${record.run} never ended`);
  }
  for (const [i, a] of records.entries()) {
    for (const b of records.slice(i + 1)) {
      const overlap = a.start < (b.end ?? 0n) && b.start < (a.end ?? 0n);
      if (!overlap) continue;
      const shared = a.gpus.filter((id) => b.gpus.includes(id));
      assert.deepEqual(shared, [], `${a.run} and ${b.run} ran at the same time on device ${shared.join(',')}`);
    }
  }
}

async function trialStates(dir: string, study: string): Promise<{ state: string; reason: string | null; worker: string | null }[]> {
  const listed = await runCli(['trials', study, '--db', 'runs.db', '--json'], { cwd: dir });
  assert.equal(listed.code, 0, listed.stderr);
  return (JSON.parse(listed.stdout) as { trials: { state: string; reason: string | null; worker: string | null }[] }).trials;
}

describe('command runs on GPUs (fake ids)', () => {
  test(
    'sweeper run --gpus 0,1,2 --threads 6, one GPU a run: each child its own device, never two on one',
    { timeout: 5 * 60_000 },
    async () => {
      const dir = tempDir('sweeper-gpus-');
      writeSweep(dir, 'one', { trials: 9, gpus: 1, barrier: 3 });
      const run = await runCli(['run', 'one.yaml', '--db', 'runs.db', '--gpus', '0,1,2', '--threads', '6', '--no-progress'], { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      const trials = await trialStates(dir, 'one');
      assert.deepEqual(
        trials.map((t) => t.state),
        Array<string>(9).fill('COMPLETE'),
        JSON.stringify(trials.map((t) => t.reason)),
      );
      const records = readRecords(join(dir, 'one.runs'));
      assert.equal(records.length, 9);
      checkRuns(records, ['0', '1', '2'], 1);
      // The first three waited for one another: all three devices were in use at once.
      const firstThree = [...records].sort((a, b) => (a.start < b.start ? -1 : 1)).slice(0, 3);
      assert.deepEqual(firstThree.flatMap((r) => r.gpus).sort(), ['0', '1', '2']);
    },
  );

  test('two GPUs a run on 4 ids: distinct pairs, never overlapping', { timeout: 5 * 60_000 }, async () => {
    const dir = tempDir('sweeper-gpus-');
    writeSweep(dir, 'two', { trials: 6, gpus: 2, barrier: 2 });
    const run = await runCli(['run', 'two.yaml', '--db', 'runs.db', '--gpus', '0,1,2,3', '--threads', '4', '--no-progress'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const trials = await trialStates(dir, 'two');
    assert.deepEqual(
      trials.map((t) => t.state),
      Array<string>(6).fill('COMPLETE'),
      JSON.stringify(trials.map((t) => t.reason)),
    );
    const records = readRecords(join(dir, 'two.runs'));
    assert.equal(records.length, 6);
    checkRuns(records, ['0', '1', '2', '3'], 2);
  });

  test('a run asking more GPUs than the worker has fails at once, saying how to start the worker', { timeout: 2 * 60_000 }, async () => {
    const dir = tempDir('sweeper-gpus-');
    writeSweep(dir, 'big', { trials: 1, gpus: 2, barrier: 1 });
    const run = await runCli(['run', 'big.yaml', '--db', 'runs.db', '--gpus', '0', '--no-progress'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const [trial] = await trialStates(dir, 'big');
    assert.equal(trial?.state, 'FAILED');
    assert.match(trial?.reason ?? '', /resources\.gpus asks 2 GPUs, but this worker has 1: start it with --gpus/);
  });

  test('--gpus refuses a bad list with the usual option error (exit code 2)', async () => {
    const bad = await runCli(['worker', '--gpus', '0,,1', '--coordinator', '127.0.0.1:1']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--gpus must be device ids separated by commas .* but got an empty id in "0,,1"/);
  });

  test(
    'on a cluster, runs go where their GPUs are free: none to a worker without GPUs, and runs asking more than any worker has wait for one',
    { timeout: 5 * 60_000 },
    async (t) => {
      const dir = tempDir('sweeper-gpus-placed-');
      const coordinator = await startCoordinatorProcess(dir, join(dir, 'runs.db'));
      // As many threads each: placing by free threads alone would send half the runs to the worker without GPUs, where they fail.
      const gpuWorker = startWorkerProcess(dir, coordinator.address, ['--gpus', '0,1', '--threads', '4'], 'gpu-worker');
      startWorkerProcess(dir, coordinator.address, ['--gpus', 'none', '--threads', '4'], 'cpu-worker');
      writeSweep(dir, 'placed', { trials: 6, gpus: 1, barrier: 2 });
      const submitted = await runCli(['submit', join(dir, 'placed.yaml'), '--coordinator', coordinator.address]);
      assert.equal(submitted.code, 0, submitted.stderr);
      const placed = await until(
        async () => {
          const trials = await trialStates(dir, 'placed');
          return trials.length === 6 && trials.every((trial) => trial.state !== 'RUNNING') ? trials : undefined;
        },
        { what: 'the 6 trials to end', signal: t.signal, intervalMs: 500 },
      );
      assert.deepEqual(
        placed.map((trial) => trial.state),
        Array<string>(6).fill('COMPLETE'),
        JSON.stringify(placed.map((trial) => trial.reason)),
      );
      for (const trial of placed)
        assert.match(trial.worker ?? '', new RegExp(`:${gpuWorker.child.pid}$`), 'a run went to the worker without GPUs');
      checkRuns(readRecords(join(dir, 'placed.runs')), ['0', '1'], 1);

      // Three GPUs a run: no worker has them, so the run waits (the coordinator says why) until one joins.
      writeSweep(dir, 'wide', { trials: 1, gpus: 3, barrier: 1 });
      const wide = await runCli(['submit', join(dir, 'wide.yaml'), '--coordinator', coordinator.address]);
      assert.equal(wide.code, 0, wide.stderr);
      await until(() => (/no connected worker has that many \(the most is 2\)/.test(coordinator.logTail(50)) ? true : undefined), {
        what: "the coordinator's warning that no worker has 3 GPUs",
        signal: t.signal,
        intervalMs: 200,
      });
      assert.deepEqual(await trialStates(dir, 'wide'), [], 'a trial started with no worker to run it');
      const bigWorker = startWorkerProcess(dir, coordinator.address, ['--gpus', '0,1,2', '--threads', '1'], 'big-worker');
      const [done] = await until(
        async () => {
          const trials = await trialStates(dir, 'wide');
          return trials.length === 1 && trials[0]?.state !== 'RUNNING' ? trials : undefined;
        },
        { what: 'the 3-GPU trial to end', signal: t.signal, intervalMs: 500 },
      );
      assert.equal(done?.state, 'COMPLETE', done?.reason ?? '');
      assert.match(done?.worker ?? '', new RegExp(`:${bigWorker.child.pid}$`));
      checkRuns(readRecords(join(dir, 'wide.runs')), ['0', '1', '2'], 3);
      coordinator.child.kill('SIGTERM');
      await coordinator.done;
    },
  );

  test('sweeper status shows a worker’s devices and which run holds which', { timeout: 3 * 60_000 }, async (t) => {
    const dir = tempDir('sweeper-gpus-status-');
    const coordinator = await startCoordinatorProcess(dir, join(dir, 'runs.db'), ['--lease-timeout', '3']);
    const worker = startWorkerProcess(dir, coordinator.address, ['--gpus', '0,1', '--threads', '2']);
    // The barrier is never met (one trial, barrier 2): the run holds its device until the worker stops.
    writeSweep(dir, 'held', { trials: 1, gpus: 1, barrier: 2 });
    const submitted = await runCli(['submit', join(dir, 'held.yaml'), '--coordinator', coordinator.address]);
    assert.equal(submitted.code, 0, submitted.stderr);

    interface Worker {
      gpus: string[];
      held: { study: string; trial: number; repeat: number; gpus: string[] }[];
    }
    const status = async (): Promise<{ workers: Worker[] } | undefined> => {
      const result = await runCli(['status', '--json', '--coordinator', coordinator.address]);
      return result.code === 0 ? (JSON.parse(result.stdout) as { workers: Worker[] }) : undefined;
    };
    const held = await until(
      async () => {
        const reply = await status();
        const w = reply?.workers[0];
        return w && w.held.length > 0 ? w : undefined;
      },
      { what: 'the run to hold a device in sweeper status', signal: t.signal, intervalMs: 500 },
    );
    assert.deepEqual(held.gpus, ['0', '1']);
    assert.equal(held.held.length, 1);
    assert.equal(held.held[0]?.study, 'held');
    assert.equal(held.held[0]?.trial, 0);
    assert.deepEqual(held.held[0]?.gpus, ['0']);

    const text = await runCli(['status', '--coordinator', coordinator.address]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /gpus/);
    assert.match(text.stdout, /0 t0\.0, 1 free/);
    worker.child.kill('SIGKILL');
    coordinator.child.kill('SIGTERM');
    await Promise.all([worker.done, coordinator.done]);
  });
});
