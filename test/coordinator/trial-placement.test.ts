import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { RunAssignment } from '../../src/execution/run-assignment.js';
import { FakeWorker } from '../helpers/fake-worker.js';
import { startCoordinator } from '../helpers/in-process-coordinator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const dir = tempDir();
const closing: (() => unknown)[] = [];
after(async () => {
  for (const close of closing.reverse()) await close();
});

test('a wave of free slots is asked for together, and each trial is recorded on the worker that runs it', async () => {
  const fixture = await startCoordinator(dir, 'placement');
  closing.push(() => fixture.close());
  const big = new FakeWorker(fixture.coordinator.address, { host: 'big' });
  const small = new FakeWorker(fixture.coordinator.address, { host: 'small' });
  for (const [worker, threads] of [
    [big, 3],
    [small, 1],
  ] as const) {
    closing.push(() => worker.close());
    await worker.register(threads);
    worker.openWork();
    // Stopped first when the test ends: the coordinator's drain then waits only for the leases.
    closing.push(worker.keepAlive(200));
  }
  // Four free slots, three on one worker: four trials written together, placed three and one.
  await fixture.coordinator.studyHost.submit(tinySweepYaml({ study: 'study: placement', budget: 'budget:\n  trials: 4' }), 'tiny.yaml');
  const ran = new Map<number, string>();
  for (const [worker, name, runs] of [
    [big, 'big:1', 3],
    [small, 'small:1', 1],
  ] as const) {
    for (let i = 0; i < runs; i++) {
      const assignment: RunAssignment = await worker.nextAssignment();
      ran.set(assignment.trialNumber, name);
    }
  }
  const study = await fixture.store.getStudy('placement');
  const trials = await fixture.store.listTrials(study.id);
  assert.deepEqual(
    trials.map((t) => [t.number, t.state, t.worker]),
    [0, 1, 2, 3].map((n) => [n, 'RUNNING', ran.get(n)]),
  );
  assert.deepEqual(
    trials.map((t) => t.worker),
    ['big:1', 'big:1', 'big:1', 'small:1'],
    'placed on the worker with the most room left, one after the other',
  );
});
