import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SweepRunner } from '../../coordinator/sweep-runner.js';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { abandonmentOf } from '../../src/execution/abandonment.js';
import type { RunAssignment, RunEnd } from '../../src/execution/run-assignment.js';
import type { RunListener } from '../../src/execution/trial-executor.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { Study } from '../../src/study/study.js';
import { InProcessExecutor } from '../../worker/in-process-executor.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const stores: SqliteTrialStore[] = [];
after(async () => {
  for (const store of stores) await store.close();
});

/**
 * An executor whose runs do what the test says: trials in `hang` never report an epoch and
 * ignore stop requests, until they are abandoned (as LocalPool terminates a stuck thread);
 * every other run reports two epochs and finishes.
 */
class ScriptedExecutor extends InProcessExecutor {
  constructor(private readonly hang: ReadonlySet<number>) {
    super(2);
  }

  protected async execute(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunEnd> {
    if (this.hang.has(assignment.trialNumber)) {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => abandonmentOf(signal) && resolve()));
      return { status: 'error', message: 'terminated' };
    }
    for (const epoch of [1, 2])
      await listener.onEpoch({ epoch, metrics: { valLoss: 1 / (epoch + assignment.trialNumber), valAccuracy: 0.5 } });
    return { status: 'finished', epochs: 2, trainSeconds: 0.01 };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function studyOf(name: string, extra: string): Promise<Study> {
  const store = SqliteTrialStore.open(join(dir, `${name}.db`));
  stores.push(store);
  const yaml = [
    `study: ${name}`,
    'synthetic:',
    '  epochs: 2',
    '  epoch_seconds: 0.01',
    'space:',
    '  x: { type: float, low: 0, high: 1 }',
    'budget:',
    '  trials: 4',
    'objective:',
    '  metric: val_loss',
    '  direction: minimize',
    extra,
  ].join('\n');
  const { definition, source } = parseSweep(yaml, `${name}.yaml`);
  return Study.createFromDefinition(store, definition, source);
}

describe('SweepRunner: runs that stall', () => {
  test('run_timeout: a run that reports no epoch is given up and re-run, then fails; the budget is reached', async () => {
    const study = await studyOf('timeout', 'run_timeout: 0.2');
    assert.equal(study.definition.runTimeout, 0.2);
    const runner = new SweepRunner({ study, executor: new ScriptedExecutor(new Set([1])), logger: silentLogger(), maxAttempts: 2 });
    const result = await runner.sweep(new AbortController().signal);
    assert.equal(result.interrupted, false);
    assert.deepEqual(result.summary.counts, { QUEUED: 0, RUNNING: 0, COMPLETE: 3, PRUNED: 0, FAILED: 1 });
    const hung = (await study.trials()).find((t) => t.number === 1);
    assert.equal(hung?.attempt, 2);
    assert.equal(hung?.reason, 'attempt 2 timed out: repeat 0 reported no epoch for 0.2 s (run_timeout); gave up after 2 lost attempts');
  });

  test('without run_timeout nothing is timed: runs that report go on as long as they take', async () => {
    const study = await studyOf('no-timeout', '');
    assert.equal(study.definition.runTimeout, undefined);
    const result = await new SweepRunner({ study, executor: new ScriptedExecutor(new Set()), logger: silentLogger() }).sweep(
      new AbortController().signal,
    );
    assert.equal(result.summary.counts.COMPLETE, 4);
  });

  test('a bad run_timeout is refused with the field named', () => {
    assert.throws(
      () =>
        parseSweep(
          [
            'study: bad',
            'synthetic:',
            '  epochs: 2',
            '  epoch_seconds: 0.01',
            'space:',
            '  x: { type: float, low: 0, high: 1 }',
            'budget:',
            '  trials: 4',
            'run_timeout: 0',
          ].join('\n'),
          'bad.yaml',
        ),
      {
        name: 'ConfigError',
        message: /bad\.yaml:9:\d+: run_timeout: must be > 0, but got 0/,
      },
    );
  });
});
