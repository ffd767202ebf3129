import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { SweepEvent } from '../../coordinator/sweep-events.js';
import { SweepRunner, type SweepResult } from '../../coordinator/sweep-runner.js';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import type { EpochDecision, RunAssignment, RunEnd } from '../../src/execution/run-assignment.js';
import type { RunListener, TrialExecutor } from '../../src/execution/trial-executor.js';
import type { TrialRecord } from '../../src/store/records.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { Study } from '../../src/study/study.js';
import type { StudyDefinition } from '../../src/store/study-definition.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * The runner's states driven without training: a scripted executor whose runs report the epochs
 * and end the way each test says, over a real SQLite store in a temp dir.
 */

const dir = tempDir();
const stores: SqliteTrialStore[] = [];
after(async () => {
  for (const store of stores) await store.close();
});

/** One run as the script sees it. */
interface ScriptedRun {
  readonly assignment: RunAssignment;
  readonly signal: AbortSignal;
  /** Reports the next epoch with this val_loss; resolves with the runner's decision. */
  epoch(valLoss: number): Promise<EpochDecision>;
  /** Resolves once the runner asks the run to stop. */
  stopRequested(): Promise<void>;
}

type Script = (run: ScriptedRun) => Promise<RunEnd>;

const finished = (epochs: number): RunEnd => ({ status: 'finished', epochs, trainSeconds: 0.01 });
const stopped = (epochs: number): RunEnd => ({ status: 'stopped', epochs, trainSeconds: 0.01 });

/** Reports `losses` one epoch each, and finishes, or stops when the runner says so. */
async function train(run: ScriptedRun, losses: readonly number[]): Promise<RunEnd> {
  for (const [i, loss] of losses.entries()) {
    if ((await run.epoch(loss)) === 'stop') return stopped(i + 1);
  }
  return finished(losses.length);
}

class ScriptedExecutor implements TrialExecutor {
  /** Every run handed out, in order. */
  readonly runs: RunAssignment[] = [];
  /** The runs the runner asked to stop. */
  readonly stopRequests: RunAssignment[] = [];
  private busy = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly script: Script,
    private readonly capacity = 2,
  ) {}

  freeSlots(): number {
    return this.capacity - this.busy;
  }

  onFreeSlots(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  placements(_gpus: number, count: number): string[] {
    return Array.from({ length: count }, () => 'scripted');
  }

  async run(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunEnd> {
    this.busy++;
    this.runs.push(assignment);
    signal.addEventListener('abort', () => this.stopRequests.push(assignment), { once: true });
    let epoch = 0;
    try {
      return await this.script({
        assignment,
        signal,
        epoch: async (valLoss) => listener.onEpoch({ epoch: ++epoch, metrics: { valLoss, epochSeconds: 0.01 } }),
        stopRequested: () =>
          new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }))),
      });
    } finally {
      this.busy--;
      queueMicrotask(() => {
        for (const notify of this.listeners) notify();
      });
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

let studies = 0;

async function studyOf(
  extra: string[] = [],
  wrap?: (store: SqliteTrialStore) => TrialStore,
  edit?: (definition: StudyDefinition) => StudyDefinition,
): Promise<Study> {
  const store = SqliteTrialStore.open(join(dir, `states-${studies}.db`));
  stores.push(store);
  const yaml = [
    `study: states-${studies++}`,
    'synthetic:',
    '  epochs: 3',
    '  epoch_seconds: 0.01',
    'objective:',
    '  metric: val_loss',
    '  direction: minimize',
    ...extra,
  ].join('\n');
  const { definition, source } = parseSweep(`${yaml}\n`, 'states.yaml');
  return Study.createFromDefinition(wrap ? wrap(store) : store, edit ? edit(definition) : definition, source);
}

const FLOAT_SPACE = ['space:', '  x: { type: float, low: 0, high: 1 }'];
const budget = (trials: number, maxConcurrent?: number): string[] => [
  'budget:',
  `  trials: ${trials}`,
  ...(maxConcurrent === undefined ? [] : [`  max_concurrent: ${maxConcurrent}`]),
];

interface Run {
  readonly result: SweepResult;
  readonly events: SweepEvent[];
  readonly trials: TrialRecord[];
}

async function sweep(
  study: Study,
  executor: TrialExecutor,
  options: { maxAttempts?: number; signal?: AbortSignal; onEvent?: (event: SweepEvent, runner: SweepRunner) => void } = {},
): Promise<Run> {
  const events: SweepEvent[] = [];
  const runner: SweepRunner = new SweepRunner({
    study,
    executor,
    logger: silentLogger(),
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event, runner);
    },
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  });
  const result = await runner.sweep(options.signal ?? new AbortController().signal);
  return { result, events, trials: await study.trials() };
}

const counts = (run: Run): Record<string, number> => ({ ...run.result.summary.counts });
const kinds = (events: readonly SweepEvent[], trial: number): string[] =>
  events.filter((e) => e.type !== 'epoch' && e.trial.number === trial).map((e) => e.type);

// A runner that misses a transition waits for ever: the timeout turns that into a failure.
describe('SweepRunner states, with a scripted executor', { timeout: 60_000 }, () => {
  test('complete: every repeat finishes, the trial is COMPLETE with the mean of its repeats', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(3), 'repeats: 2']);
    const executor = new ScriptedExecutor((run) => train(run, [0.9, 0.5 + run.assignment.repeat / 10, 0.8]));
    const run = await sweep(study, executor);
    assert.equal(run.result.interrupted, false);
    assert.deepEqual(counts(run), { QUEUED: 0, RUNNING: 0, COMPLETE: 3, PRUNED: 0, FAILED: 0 });
    for (const trial of run.trials) {
      assert.equal(trial.attempt, 1);
      assert.equal(trial.result?.repeats, 2);
      assert.ok(Math.abs((trial.result?.value ?? 0) - 0.55) < 1e-12, 'the mean of the best epochs 0.5 and 0.6');
      assert.deepEqual(kinds(run.events, trial.number), ['trial-started', 'trial-finished']);
    }
    assert.equal(executor.runs.length, 6);
    assert.equal(executor.stopRequests.length, 0);
  });

  test("runs' logs are kept per repeat: a FAILED trial's failing repeat and its stopped ones, a COMPLETE trial's", async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(1), 'repeats: 2']);
    const executor = new ScriptedExecutor(async (run) => {
      await run.epoch(0.5);
      if (run.assignment.repeat === 1) return { status: 'error', message: 'exit code 1', log: 'Traceback\nValueError: bad\n' };
      await run.stopRequested();
      return { ...stopped(1), log: 'stopped by SIGTERM\n' };
    }, 2);
    const run = await sweep(study, executor);
    const [trial] = run.trials;
    assert.equal(trial?.state, 'FAILED');
    assert.equal(trial.reason, 'repeat 1 failed: exit code 1');
    assert.deepEqual(await study.store.getLogs(trial.id), [
      { repeat: 0, log: 'stopped by SIGTERM\n' },
      { repeat: 1, log: 'Traceback\nValueError: bad\n' },
    ]);

    const complete = await studyOf([...FLOAT_SPACE, ...budget(1)]);
    const ran = await sweep(complete, new ScriptedExecutor(async (r) => ({ ...(await train(r, [0.9, 0.5])), log: 'epoch 1\nepoch 2\n' })));
    const [done] = ran.trials;
    assert.equal(done?.state, 'COMPLETE');
    assert.deepEqual(await complete.store.getLogs(done.id), [{ repeat: 0, log: 'epoch 1\nepoch 2\n' }]);
  });

  test('failed: one failing repeat stops the others and the trial is FAILED with its reason', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(1), 'repeats: 3']);
    const executor = new ScriptedExecutor(async (run) => {
      await run.epoch(0.5);
      if (run.assignment.repeat === 1) return { status: 'error', message: 'out of memory' };
      await run.stopRequested();
      return stopped(1);
    }, 3);
    const run = await sweep(study, executor);
    assert.deepEqual(counts(run), { QUEUED: 0, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAILED: 1 });
    assert.equal(run.trials[0]?.reason, 'repeat 1 failed: out of memory');
    assert.deepEqual(
      executor.stopRequests
        .map((a) => a.repeat)
        .filter((r) => r !== 1)
        .sort(),
      [0, 2],
      'the other repeats were stopped',
    );
    assert.equal(run.result.interrupted, false);
  });

  test('failed after pruned: a repeat failing once the trial is pruned makes it FAILED', async () => {
    const study = await studyOf([
      ...FLOAT_SPACE,
      ...budget(2, 1),
      'repeats: 2',
      'pruner:',
      '  type: median',
      '  n_startup_trials: 1',
      '  n_warmup_steps: 0',
    ]);
    const executor = new ScriptedExecutor(async (run) => {
      if (run.assignment.trialNumber === 0) return train(run, [0.2, 0.1]);
      if (run.assignment.repeat === 0) return train(run, [0.9, 0.9]);
      await run.stopRequested();
      return { status: 'diverged', epoch: 1, reason: 'diverged at epoch 1: training loss is NaN', trainSeconds: 0 };
    });
    const run = await sweep(study, executor);
    const trial = run.trials.find((t) => t.number === 1);
    assert.equal(trial?.state, 'FAILED');
    assert.equal(trial?.reason, 'repeat 1 diverged at epoch 1: training loss is NaN');
  });

  test('pruned: the pruner stops the trial, which keeps how far it got', async () => {
    const study = await studyOf([
      ...FLOAT_SPACE,
      ...budget(2, 1),
      'pruner:',
      '  type: median',
      '  n_startup_trials: 1',
      '  n_warmup_steps: 0',
    ]);
    const executor = new ScriptedExecutor((run) => train(run, run.assignment.trialNumber === 0 ? [0.3, 0.2, 0.1] : [0.9, 0.9, 0.9]));
    const run = await sweep(study, executor);
    assert.deepEqual(counts(run), { QUEUED: 0, RUNNING: 0, COMPLETE: 1, PRUNED: 1, FAILED: 0 });
    const pruned = run.trials.find((t) => t.number === 1);
    assert.match(pruned?.reason ?? '', /^pruned at epoch 1: /);
    assert.equal(pruned?.result?.epochs, 1);
    assert.equal(pruned?.result?.value, 0.9);
    assert.equal(run.result.interrupted, false);
  });

  test('lost: a run lost with its worker re-queues the trial, which runs again as a new attempt', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(2, 1)]);
    const executor = new ScriptedExecutor(async (run) => {
      if (run.assignment.trialNumber === 0 && run.assignment.attempt === 1) {
        await run.epoch(0.5);
        return { status: 'lost', reason: 'worker w1 stopped sending heartbeats' };
      }
      return train(run, [0.4, 0.3]);
    });
    const run = await sweep(study, executor);
    assert.deepEqual(counts(run), { QUEUED: 0, RUNNING: 0, COMPLETE: 2, PRUNED: 0, FAILED: 0 });
    const lost = run.trials.find((t) => t.number === 0);
    assert.equal(lost?.attempt, 2);
    assert.equal(lost?.lostAttempts, 1);
    assert.deepEqual(kinds(run.events, 0), ['trial-started', 'trial-requeued', 'trial-started', 'trial-finished']);
    assert.deepEqual(
      executor.runs.filter((a) => a.trialNumber === 0).map((a) => a.attempt),
      [1, 2],
    );
  });

  test('lost vs handed back: with one attempt allowed, a lost run fails the trial; one handed back by a draining worker runs again', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(2, 1)]);
    const executor = new ScriptedExecutor(async (run) => {
      if (run.assignment.attempt === 1) {
        return run.assignment.trialNumber === 0
          ? { status: 'lost', reason: 'worker w1 lost' }
          : { status: 'handed-back', reason: 'worker w2 is shutting down' };
      }
      return train(run, [0.4]);
    });
    const run = await sweep(study, executor, { maxAttempts: 1 });
    const [lost, handedBack] = run.trials;
    assert.equal(lost?.state, 'FAILED');
    assert.equal(lost?.reason, 'worker w1 lost; gave up after 1 lost attempts');
    assert.equal(handedBack?.state, 'COMPLETE');
    assert.equal(handedBack?.attempt, 2);
    assert.equal(handedBack?.lostAttempts, 0, 'a run handed back does not count');
  });

  test('max attempts: a trial lost on every attempt is FAILED after the last one', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(1)]);
    const executor = new ScriptedExecutor((run) =>
      Promise.resolve<RunEnd>({ status: 'lost', reason: `attempt ${run.assignment.attempt} lost` }),
    );
    const run = await sweep(study, executor, { maxAttempts: 2 });
    assert.deepEqual(counts(run), { QUEUED: 0, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAILED: 1 });
    assert.equal(run.trials[0]?.attempt, 2);
    assert.equal(run.trials[0]?.reason, 'attempt 2 lost; gave up after 2 lost attempts');
    assert.equal(run.result.interrupted, false);
  });

  test('stop: running trials go back to the queue as interrupted, keeping finished repeats; a later run finishes them', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(2, 1), 'repeats: 2']);
    const controller = new AbortController();
    const first = new ScriptedExecutor(async (run) => {
      if (run.assignment.repeat === 0) return train(run, [0.5]);
      await run.epoch(0.6);
      await run.stopRequested();
      return stopped(1);
    });
    const run = await sweep(study, first, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'epoch' && event.repeat === 1) setTimeout(() => controller.abort(), 20);
      },
    });
    assert.equal(run.result.interrupted, true);
    assert.deepEqual(counts(run), { QUEUED: 1, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAILED: 0 });
    const [trial] = run.trials;
    assert.equal(trial?.reason, 'interrupted: the sweep was stopped');
    assert.equal(trial?.lostAttempts, 0, 'a stop does not count as a lost attempt');
    assert.deepEqual(kinds(run.events, 0), ['trial-started', 'trial-requeued']);
    assert.equal(first.runs.length, 2, 'no trial started after the stop');

    const second = new ScriptedExecutor((again) => train(again, [0.4]));
    const resumed = await sweep(study, second);
    assert.equal(resumed.result.interrupted, false);
    assert.deepEqual(counts(resumed), { QUEUED: 0, RUNNING: 0, COMPLETE: 2, PRUNED: 0, FAILED: 0 });
    assert.deepEqual(
      second.runs.filter((a) => a.trialNumber === 0).map((a) => a.repeat),
      [1],
      'the repeat finished before the stop is not run again',
    );
  });

  test('stop: a trial whose repeats wait for a free slot goes back to the queue too', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(1), 'repeats: 3']);
    const controller = new AbortController();
    const late: EpochDecision[] = [];
    const executor = new ScriptedExecutor(async (run) => {
      await run.epoch(0.5);
      await run.stopRequested();
      late.push(await run.epoch(0.4));
      return stopped(2);
    });
    const run = await sweep(study, executor, {
      signal: controller.signal,
      onEvent: (event) => event.type === 'epoch' && event.repeat === 1 && controller.abort(),
    });
    assert.deepEqual(late, ['stop', 'stop'], 'an epoch reported after the stop is answered stop');
    assert.equal(
      (await study.store.getEpochs(run.trials[0]?.id ?? -1)).length,
      0,
      'and not recorded; the interrupted attempt keeps no epoch',
    );
    assert.equal(run.result.interrupted, true);
    assert.equal(run.trials[0]?.state, 'QUEUED');
    assert.equal(run.trials[0]?.reason, 'interrupted: the sweep was stopped');
    assert.deepEqual(
      executor.runs.map((a) => a.repeat),
      [0, 1],
      'repeat 2 never got a slot',
    );
  });

  test('lost during a stop: the loss wins over the interruption and counts; the trial is not run again by this sweep', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(1)]);
    const controller = new AbortController();
    const executor = new ScriptedExecutor(async (run) => {
      await run.epoch(0.5);
      await run.stopRequested();
      return { status: 'lost', reason: 'worker w1 lost while stopping' };
    });
    const run = await sweep(study, executor, {
      signal: controller.signal,
      onEvent: (event) => event.type === 'epoch' && controller.abort(),
    });
    assert.equal(run.result.interrupted, true);
    assert.equal(run.trials[0]?.state, 'QUEUED');
    assert.equal(run.trials[0]?.reason, 'worker w1 lost while stopping');
    assert.equal(run.trials[0]?.lostAttempts, 1);
    assert.equal(executor.runs.length, 1);
  });

  test('drain: no trial starts after it; the running ones finish and the sweep ends short of its budget', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(4, 1)]);
    const executor = new ScriptedExecutor((run) => train(run, [0.5, 0.4]));
    const run = await sweep(study, executor, {
      onEvent: (event, runner) => event.type === 'trial-started' && event.trial.number === 1 && runner.drain(),
    });
    assert.deepEqual(counts(run), { QUEUED: 0, RUNNING: 0, COMPLETE: 2, PRUNED: 0, FAILED: 0 });
    assert.equal(run.result.interrupted, true);
    assert.equal(executor.stopRequests.length, 0, 'a drain stops no run');
  });

  test('search exhausted: a grid with fewer points than the budget ends complete, not interrupted', async () => {
    // A sweep file's budget is checked against the grid's size; built directly, the sampler runs out first.
    const study = await studyOf(
      ['space:', '  x: { type: categorical, choices: [1, 2, 3] }', 'sampler:', '  type: grid', ...budget(3)],
      undefined,
      (definition) => ({ ...definition, budget: { trials: 10 } }),
    );
    const executor = new ScriptedExecutor((run) => train(run, [0.5]));
    const run = await sweep(study, executor);
    assert.deepEqual(counts(run), { QUEUED: 0, RUNNING: 0, COMPLETE: 3, PRUNED: 0, FAILED: 0 });
    assert.equal(run.result.interrupted, false);
  });

  test('a result the store refuses loses the attempt: the trial runs again', async () => {
    let refusals = 1;
    const study = await studyOf([...FLOAT_SPACE, ...budget(1)], (store) => failing(store, 'finishTrial', () => refusals-- > 0));
    const executor = new ScriptedExecutor((run) => train(run, [0.5]));
    const run = await sweep(study, executor);
    assert.equal(run.trials[0]?.state, 'COMPLETE');
    assert.equal(run.trials[0]?.attempt, 2);
    assert.equal(run.trials[0]?.lostAttempts, 1);
  });

  test('fatal: when the store cannot write a trial end at all, run rejects with its error and starts nothing more', async () => {
    const study = await studyOf([...FLOAT_SPACE, ...budget(3, 1)], (store) =>
      failing(
        failing(store, 'finishTrial', () => true),
        'requeueTrial',
        () => true,
      ),
    );
    const executor = new ScriptedExecutor((run) => train(run, [0.5]));
    await assert.rejects(sweep(study, executor), { message: 'disk I/O error' });
    assert.equal(executor.runs.length, 1);
  });
});

/** The store, with `method` rejecting while `when()` says so. */
function failing<T extends TrialStore>(store: T, method: keyof TrialStore, when: () => boolean): T {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === method && when()) return () => Promise.reject(new Error('disk I/O error'));
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}
