import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { counted } from '../../cli/output/counted.js';
import { studyState, type StudyProgress } from '../../src/views/study-state.js';
import { workersSummary } from '../../cli/output/status-wording.js';
import { runCli } from '../helpers/cli-process.js';
import { startCoordinatorProcess, startWorkerProcess } from '../helpers/cluster.js';
import { tempDir } from '../helpers/temp-dir.js';

const study = (fields: Partial<StudyProgress>): StudyProgress => ({
  active: false,
  budget: 10,
  queued: 0,
  running: 0,
  complete: 0,
  pruned: 0,
  failed: 0,
  ...fields,
});

describe('how sweeper status words what it sees', () => {
  test('a study is finished at its budget, running while trials run, waiting with none, stopped short of its budget', () => {
    assert.equal(studyState(study({ complete: 7, pruned: 2, failed: 1 })), 'finished');
    assert.equal(studyState(study({ active: true, complete: 9, pruned: 1 })), 'finished', 'its last result is in, the runner is ending');
    assert.equal(studyState(study({ active: true, running: 2, queued: 3, complete: 4 })), 'running');
    assert.equal(studyState(study({ active: true, queued: 3 })), 'waiting', 'no worker runs its trials');
    assert.equal(studyState(study({ queued: 2, complete: 3 })), 'stopped', 'drained before its budget');
    assert.equal(studyState(study({ budget: 0, complete: 30 })), 'stopped', 'no budget: it never finishes by itself');
    assert.equal(studyState(study({ budget: 0, active: true, running: 1 })), 'running');
  });

  test('counts take the number of their noun', () => {
    assert.equal(workersSummary([]), '0 workers, 0/0 threads busy');
    assert.equal(workersSummary([{ threads: 1, busy: 0 }]), '1 worker, 0/1 thread busy');
    assert.equal(
      workersSummary([
        { threads: 3, busy: 1 },
        { threads: 3, busy: 2 },
      ]),
      '2 workers, 3/6 threads busy',
    );
    assert.deepEqual([counted(0, 'trial'), counted(1, 'trial'), counted(2, 'study', 'studies')], ['0 trials', '1 trial', '2 studies']);
  });

  test('sweeper status of a real coordinator with no worker, then one worker of one thread', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const coordinator = await startCoordinatorProcess(dir, join(dir, 'status.db'));
    const none = await runCli(['status', '--coordinator', coordinator.address]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /: 0 workers, 0\/0 threads busy\n/);

    const worker = startWorkerProcess(dir, coordinator.address, ['--threads', '1']);
    let status = '';
    // Until the worker has registered; the test's timeout bounds the wait.
    while (!/: 1 worker,/.test(status)) {
      const result = await runCli(['status', '--coordinator', coordinator.address]);
      assert.equal(result.code, 0, result.stderr);
      status = result.stdout;
      if (!/: 1 worker,/.test(status)) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(status, /: 1 worker, 0\/1 thread busy\n/);
    worker.child.kill('SIGTERM');
    assert.match((await worker.done).stdout, /^worker \S+ with 1 thread, coordinator /m);
    coordinator.child.kill('SIGTERM');
    assert.equal((await coordinator.done).code, 0);
  });
});
