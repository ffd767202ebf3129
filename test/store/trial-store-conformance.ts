import { sha256Hex } from '../../src/files/sha256.js';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlreadyExistsError } from '../../src/errors/already-exists-error.js';
import { InvalidStateError } from '../../src/errors/invalid-state-error.js';
import { NotFoundError } from '../../src/errors/not-found-error.js';
import { StaleAttemptError } from '../../src/errors/stale-attempt-error.js';
import type { ParamFilter, TrialEpochRecord, TrialOutcome, TrialRecord } from '../../src/store/records.js';
import type { TrialPage, TrialPageQuery } from '../../src/store/trial-page.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { bestEpoch } from '../../src/core/objective.js';
import { aggregateRepeats } from '../../src/study/aggregate-repeats.js';
import { result, studyDefinition } from './study-fixture.js';

/** A checkpoint of `epoch` whose bytes say which it is. */
function checkpointOf(epoch: number, size = 1000): { epoch: number; sha256: string; data: Uint8Array } {
  const data = new Uint8Array(size).fill(epoch);
  return { epoch, sha256: sha256Hex(data), data };
}

/**
 * The behaviour every TrialStore backend must have. A new backend passes by calling this with
 * a factory that gives a fresh, empty store.
 */
export function describeTrialStoreConformance(backend: string, openStore: () => Promise<TrialStore>, skip: string | false = false): void {
  describe(`${backend} trial store: conformance`, { skip }, () => {
    async function withStore(fn: (store: TrialStore) => Promise<void>): Promise<void> {
      const store = await openStore();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    }

    async function runningTrial(store: TrialStore, studyName = 'study'): Promise<{ studyId: number; trialId: number }> {
      const study = await store.createStudy(studyDefinition(studyName));
      const trial = await store.createTrial(study.id, { lr: 0.01, depth: 2 }, { worker: 'w1' });
      return { studyId: study.id, trialId: trial.id };
    }

    test('studies: created once, found by name, definition and source kept', () =>
      withStore(async (store) => {
        const definition = studyDefinition('alpha');
        const created = await store.createStudy(definition, { text: 'study: alpha\n', format: 'yaml', path: 'a.yaml' });
        assert.deepEqual(created.definition, definition);
        assert.deepEqual((await store.getStudy('alpha')).source, { text: 'study: alpha\n', format: 'yaml', path: 'a.yaml' });
        assert.equal(await store.findStudy('beta'), undefined);
        await assert.rejects(
          store.getStudy('beta'),
          (error: unknown) => error instanceof NotFoundError && error.facts?.reason === 'NO_SUCH_STUDY' && error.facts.study === 'beta',
        );
        await assert.rejects(store.createStudy(studyDefinition('alpha')), (error: unknown) => {
          assert.ok(error instanceof AlreadyExistsError);
          assert.match(error.message, /study "alpha" already exists/);
          assert.equal(error.facts?.reason, 'STUDY_EXISTS');
          assert.equal(error.facts.study, 'alpha');
          return true;
        });
        assert.deepEqual(
          (await store.listStudies()).map((s) => s.name),
          ['alpha'],
        );
      }));

    test('trial numbers are unique per study and given out in order, even when asked for at once', () =>
      withStore(async (store) => {
        const a = await store.createStudy(studyDefinition('a'));
        const b = await store.createStudy(studyDefinition('b'));
        const trials = await Promise.all(
          Array.from({ length: 40 }, (_, i) => store.createTrial(i % 2 === 0 ? a.id : b.id, { lr: 0.1, depth: 1 })),
        );
        const numbers = (studyId: number): number[] =>
          trials
            .filter((t) => t.studyId === studyId)
            .map((t) => t.number)
            .sort((x, y) => x - y);
        assert.deepEqual(
          numbers(a.id),
          Array.from({ length: 20 }, (_, i) => i),
        );
        assert.deepEqual(
          numbers(b.id),
          Array.from({ length: 20 }, (_, i) => i),
        );
      }));

    test('a parameter function sees the number the trial gets', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('s'));
        await store.createTrial(study.id, { lr: 0.1, depth: 1 });
        const trial = await store.createTrial(study.id, (number) => ({ lr: 0.1, depth: number + 1 }));
        assert.equal(trial.number, 1);
        assert.deepEqual(trial.params, { lr: 0.1, depth: 2 });
      }));

    test('trials created together: numbered in order, each RUNNING on its worker, ending where the parameters run out', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('s'));
        await store.createTrial(study.id, { lr: 0.1, depth: 1 });
        const batch = await store.createTrials(study.id, (number) => ({ lr: 0.5, depth: number }), ['w1', 'w2', 'w1']);
        assert.deepEqual(
          batch.map((t) => [t.number, t.state, t.attempt, t.worker, t.params.depth]),
          [
            [1, 'RUNNING', 1, 'w1', 1],
            [2, 'RUNNING', 1, 'w2', 2],
            [3, 'RUNNING', 1, 'w1', 3],
          ],
        );
        assert.deepEqual(await store.getTrial(study.id, 2), batch[1], 'what it returns is what reads back');
        // A search with two points left: the batch stops there; with none, it is empty.
        const short = await store.createTrials(study.id, (number) => (number < 6 ? { lr: 0.5, depth: number } : undefined), [
          'a',
          'b',
          'c',
          'd',
        ]);
        assert.deepEqual(
          short.map((t) => t.number),
          [4, 5],
        );
        assert.deepEqual(await store.createTrials(study.id, () => undefined, ['a']), []);
        // Batches and single trials asked for at once still get every number once.
        await Promise.all([
          store.createTrials(study.id, () => ({ lr: 0.1, depth: 1 }), ['x', 'y', 'z']),
          store.createTrial(study.id, { lr: 0.1, depth: 1 }),
          store.createTrials(study.id, () => ({ lr: 0.1, depth: 1 }), ['x', 'y']),
        ]);
        assert.deepEqual(
          (await store.listTrials(study.id)).map((t) => t.number),
          Array.from({ length: 12 }, (_, i) => i),
        );
        // A parameter function that fails part-way: none of the batch is written.
        await assert.rejects(
          store.createTrials(
            study.id,
            (number) => {
              if (number === 13) throw new Error('no sample');
              return { lr: 0.1, depth: 1 };
            },
            ['a', 'b', 'c'],
          ),
          /no sample/,
        );
        assert.equal((await store.listTrials(study.id)).length, 12);
      }));

    test('lifecycle: QUEUED -> RUNNING (attempt 1) -> QUEUED -> RUNNING (attempt 2)', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('s'));
        const queued = await store.createTrial(study.id, { lr: 0.5, depth: 3 });
        assert.equal(queued.state, 'QUEUED');
        assert.equal(queued.attempt, 0);
        const running = await store.startTrial(queued.id, 'w1');
        assert.equal(running.state, 'RUNNING');
        assert.equal(running.attempt, 1);
        assert.equal(running.worker, 'w1');
        assert.ok(running.startedAt);
        await assert.rejects(store.startTrial(queued.id, 'w2'), InvalidStateError);
        const requeued = await store.requeueTrial(running.id, 1, 'worker lost');
        assert.equal(requeued.state, 'QUEUED');
        assert.equal(requeued.reason, 'worker lost');
        assert.equal(requeued.lostAttempts, 0, 'a re-queue is not a loss unless it says so');
        const again = await store.startTrial(queued.id, 'w2');
        assert.equal(again.attempt, 2);
        assert.equal(again.worker, 'w2');
        assert.deepEqual(again.params, { lr: 0.5, depth: 3 });
        const lost = await store.requeueTrial(again.id, 2, 'attempt 2 was lost: worker w2 was not heard from', { lost: true });
        assert.deepEqual([lost.attempt, lost.lostAttempts], [2, 1]);
        const third = await store.startTrial(queued.id, 'w3');
        assert.deepEqual([third.attempt, third.lostAttempts], [3, 1], 'the count outlives the next start');
      }));

    test('fencing: writes from an old attempt are refused and change nothing', () =>
      withStore(async (store) => {
        const { studyId, trialId } = await runningTrial(store);
        await store.recordEpoch(trialId, 1, 0, 1, { valAccuracy: 0.5 });
        await store.requeueTrial(trialId, 1, 'lease expired');
        await store.startTrial(trialId, 'w2');
        await store.recordEpoch(trialId, 2, 0, 1, { valAccuracy: 0.7 });
        await assert.rejects(store.recordEpoch(trialId, 1, 0, 1, { valAccuracy: 0.1 }), StaleAttemptError);
        await assert.rejects(store.finishTrial(trialId, 1, { state: 'COMPLETE', result: result(0.1) }), StaleAttemptError);
        await assert.rejects(
          store.recordRepeat(trialId, 1, { repeat: 0, seed: 1, value: 0.1, epochs: 1, bestEpoch: 1, trainSeconds: 1 }),
          StaleAttemptError,
        );
        assert.deepEqual(await store.getEpochs(trialId), [{ repeat: 0, epoch: 1, valAccuracy: 0.7 }]);
        assert.equal((await store.getTrial(studyId, 0)).state, 'RUNNING');
      }));

    test('a COMPLETE trial is never changed again', () =>
      withStore(async (store) => {
        const { studyId, trialId } = await runningTrial(store);
        await store.recordEpoch(trialId, 1, 0, 1, { valAccuracy: 0.9 });
        await store.finishTrial(trialId, 1, { state: 'COMPLETE', result: result(0.9) });
        const before = await store.getTrial(studyId, 0);
        const epochsBefore = await store.getEpochs(trialId);
        await assert.rejects(store.finishTrial(trialId, 1, { state: 'FAILED', reason: 'late' }), InvalidStateError);
        await assert.rejects(store.finishTrial(trialId, 1, { state: 'COMPLETE', result: result(0.1) }), InvalidStateError);
        await assert.rejects(store.recordEpoch(trialId, 1, 0, 2, { valAccuracy: 0.1 }), InvalidStateError);
        await assert.rejects(store.requeueTrial(trialId, 1, 'again'), InvalidStateError);
        await assert.rejects(store.startTrial(trialId, 'w9'), InvalidStateError);
        assert.deepEqual(await store.getTrial(studyId, 0), before);
        assert.deepEqual(await store.getEpochs(trialId), epochsBefore);
      }));

    test('a trial has exactly one final result', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('s'));
        const complete = await store.createTrial(study.id, { lr: 0.1, depth: 1 }, { worker: 'w' });
        const pruned = await store.createTrial(study.id, { lr: 0.2, depth: 1 }, { worker: 'w' });
        const failed = await store.createTrial(study.id, { lr: 0.3, depth: 1 }, { worker: 'w' });
        assert.deepEqual(
          (await store.finishTrial(complete.id, 1, { state: 'COMPLETE', result: { ...result(0.8), valueStd: 0.01, repeats: 3 } })).result,
          {
            value: 0.8,
            valueStd: 0.01,
            repeats: 3,
            epochs: 3,
            bestEpoch: 2,
            trainSeconds: 1.5,
          },
        );
        assert.equal(
          (await store.finishTrial(pruned.id, 1, { state: 'PRUNED', reason: 'below median', result: result(0.3) })).result?.value,
          0.3,
        );
        const failedRecord = await store.finishTrial(failed.id, 1, {
          state: 'FAILED',
          reason: 'diverged at epoch 2: training loss is NaN',
        });
        assert.equal(failedRecord.result, undefined);
        assert.equal(failedRecord.reason, 'diverged at epoch 2: training loss is NaN');
        assert.ok(failedRecord.finishedAt);
        for (const trial of [pruned, failed]) {
          await assert.rejects(store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(1) }), InvalidStateError);
        }
      }));

    test('what a write returns is the trial as it reads back: parameters of every type, results, states', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('s'));
        const params = { lr: 0.1, depth: 3, activation: 'relu', nesterov: true, batch: 64 };
        const readBack = (record: { number: number }) => store.getTrial(study.id, record.number);
        const queued = await store.createTrial(study.id, params);
        assert.deepEqual(queued, await readBack(queued));
        const started = await store.startTrial(queued.id, 'w1');
        assert.deepEqual(started, await readBack(started));
        const requeued = await store.requeueTrial(queued.id, 1, 'worker lost', { lost: true });
        assert.deepEqual(requeued, await readBack(requeued));
        const again = await store.startTrial(queued.id, 'w2');
        const complete = await store.finishTrial(again.id, 2, {
          state: 'COMPLETE',
          result: { ...result(0.8), valueStd: 0.02, testAccuracy: 0.75 },
        });
        assert.deepEqual(complete, await readBack(complete));
        const numbered = await store.createTrial(study.id, (number) => ({ ...params, number }), { worker: 'w3' });
        assert.deepEqual(numbered.params, { ...params, number: 1 });
        assert.deepEqual(numbered, await readBack(numbered));
        const pruned = await store.finishTrial(numbered.id, 1, { state: 'PRUNED', reason: 'below median', result: result(0.3) });
        assert.deepEqual(pruned, await readBack(pruned));
        const bare = await store.createTrial(study.id, {}, { worker: 'w4' });
        const failed = await store.finishTrial(bare.id, 1, { state: 'FAILED', reason: 'diverged' });
        assert.deepEqual(failed, await readBack(failed));
      }));

    test('a COMPLETE trial without its result is refused, and the trial stays as it was', () =>
      withStore(async (store) => {
        const { studyId, trialId } = await runningTrial(store);
        const before = await store.getTrial(studyId, 0);
        // Only an untyped caller can try it: the SQLite store's complete_trial_has_result trigger.
        await assert.rejects(store.finishTrial(trialId, 1, { state: 'COMPLETE' } as unknown as TrialOutcome), InvalidStateError);
        assert.deepEqual(await store.getTrial(studyId, 0), before);
      }));

    test('requeue keeps finished repeats and drops the epochs of unfinished ones', () =>
      withStore(async (store) => {
        const { trialId } = await runningTrial(store);
        await store.recordEpoch(trialId, 1, 0, 1, { valAccuracy: 0.5 });
        await store.recordRepeat(trialId, 1, { repeat: 0, seed: 11, value: 0.5, epochs: 1, bestEpoch: 1, trainSeconds: 2 });
        await store.recordEpoch(trialId, 1, 1, 1, { valAccuracy: 0.4 });
        await assert.rejects(
          store.recordRepeat(trialId, 1, { repeat: 0, seed: 11, value: 0.9, epochs: 1, bestEpoch: 1, trainSeconds: 2 }),
          InvalidStateError,
        );
        await store.requeueTrial(trialId, 1, 'interrupted');
        assert.deepEqual(await store.getRepeats(trialId), [{ repeat: 0, seed: 11, value: 0.5, epochs: 1, bestEpoch: 1, trainSeconds: 2 }]);
        assert.deepEqual(await store.getEpochs(trialId), [{ repeat: 0, epoch: 1, valAccuracy: 0.5 }]);
      }));

    test('checkpoints: the latest per repeat, its bytes given back checked; a stale attempt keeps none', () =>
      withStore(async (store) => {
        const { studyId, trialId } = await runningTrial(store);
        assert.equal(await store.loadCheckpoint(trialId, 0), undefined);
        await store.saveCheckpoint(trialId, 1, 0, checkpointOf(1));
        await store.saveCheckpoint(trialId, 1, 0, checkpointOf(2, 3000));
        await store.saveCheckpoint(trialId, 1, 1, checkpointOf(1));
        assert.deepEqual(await store.loadCheckpoint(trialId, 0), checkpointOf(2, 3000));
        assert.deepEqual(
          (await store.listCheckpoints(trialId)).map(({ repeat, attempt, epoch, bytes }) => [repeat, attempt, epoch, bytes]),
          [
            [0, 1, 2, 3000],
            [1, 1, 1, 1000],
          ],
        );
        await store.requeueTrial(trialId, 1, 'lost');
        await assert.rejects(store.saveCheckpoint(trialId, 1, 0, checkpointOf(3)), InvalidStateError);
        await store.startTrial(trialId, 'w2');
        await assert.rejects(store.saveCheckpoint(trialId, 1, 0, checkpointOf(3)), StaleAttemptError);
        assert.equal((await store.loadCheckpoint(trialId, 0))?.epoch, 2, 'the refused ones replaced nothing');
        await store.saveCheckpoint(trialId, 2, 0, checkpointOf(3));
        assert.deepEqual((await store.listCheckpoints(trialId))[0], {
          repeat: 0,
          attempt: 2,
          epoch: 3,
          bytes: 1000,
          sha256: checkpointOf(3).sha256,
        });
        assert.equal((await store.getStudy('study')).id, studyId);
      }));

    test('requeue keeps the epochs of an unfinished repeat up to its checkpoint; forgetting it drops them all', () =>
      withStore(async (store) => {
        const { trialId } = await runningTrial(store);
        for (const epoch of [1, 2, 3]) await store.recordEpoch(trialId, 1, 0, epoch, { valAccuracy: epoch / 10 });
        for (const epoch of [1, 2]) await store.recordEpoch(trialId, 1, 1, epoch, { valAccuracy: epoch / 10 });
        await store.saveCheckpoint(trialId, 1, 0, checkpointOf(2));
        await store.requeueTrial(trialId, 1, 'worker lost', { lost: true });
        assert.deepEqual(await store.getEpochs(trialId), [
          { repeat: 0, epoch: 1, valAccuracy: 0.1 },
          { repeat: 0, epoch: 2, valAccuracy: 0.2 },
        ]);
        await store.startTrial(trialId, 'w2');
        await assert.rejects(store.forgetCheckpoint(trialId, 1, 0), StaleAttemptError);
        await store.forgetCheckpoint(trialId, 2, 0);
        assert.deepEqual(await store.getEpochs(trialId), []);
        assert.equal(await store.loadCheckpoint(trialId, 0), undefined);
        await store.recordRepeat(trialId, 2, { repeat: 1, seed: 1, value: 0.5, epochs: 1, bestEpoch: 1, trainSeconds: 1 });
        await assert.rejects(store.forgetCheckpoint(trialId, 2, 1), InvalidStateError, 'a finished repeat keeps its epochs');
      }));

    test("PBT segments: a decision point is recorded whole, an exploiting member's checkpoint becomes its parent's", () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('study'));
        const members = [];
        for (const lr of [0.1, 0.2, 0.3]) {
          const trial = await store.createTrial(study.id, { lr, depth: 2 }, { worker: 'w1' });
          for (const epoch of [1, 2]) await store.recordEpoch(trial.id, 1, 0, epoch, { valAccuracy: lr * epoch });
          members.push(trial);
        }
        const [a, b, c] = members as [TrialRecord, TrialRecord, TrialRecord];
        await store.saveCheckpoint(a.id, 1, 0, checkpointOf(2, 100));
        await store.saveCheckpoint(b.id, 1, 0, checkpointOf(2, 200));
        await store.saveCheckpoint(c.id, 1, 0, checkpointOf(1, 300));
        // c's latest checkpoint is of epoch 1: nobody can go on from it after epoch 2, and nothing is written.
        await assert.rejects(
          store.startSegments([
            { trialId: a.id, attempt: 1, fromEpoch: 3, params: { lr: 0.24, depth: 2 }, parentId: b.id },
            { trialId: b.id, attempt: 1, fromEpoch: 3, params: { lr: 0.2, depth: 2 }, parentId: c.id },
          ]),
          InvalidStateError,
        );
        assert.deepEqual(await store.listSegments(study.id), []);
        assert.deepEqual(await store.loadCheckpoint(a.id, 0), checkpointOf(2, 100));
        await assert.rejects(
          store.startSegments([{ trialId: a.id, attempt: 2, fromEpoch: 3, params: { lr: 0.24, depth: 2 } }]),
          StaleAttemptError,
        );
        await store.startSegments([
          { trialId: a.id, attempt: 1, fromEpoch: 3, params: { lr: 0.24, depth: 2 }, parentId: b.id },
          { trialId: b.id, attempt: 1, fromEpoch: 3, params: { lr: 0.2, depth: 2 } },
        ]);
        assert.deepEqual(await store.listSegments(study.id), [
          { trial: a.number, fromEpoch: 3, params: { lr: 0.24, depth: 2 }, parent: b.number },
          { trial: b.number, fromEpoch: 3, params: { lr: 0.2, depth: 2 } },
        ]);
        assert.deepEqual(await store.loadCheckpoint(a.id, 0), checkpointOf(2, 200), "a goes on from b's bytes");
        assert.deepEqual(await store.loadCheckpoint(b.id, 0), checkpointOf(2, 200), "b's stay");
        assert.deepEqual(
          await store.getEpochs(a.id),
          [
            { repeat: 0, epoch: 1, valAccuracy: 0.1 },
            { repeat: 0, epoch: 2, valAccuracy: 0.2 },
          ],
          'a keeps the epochs it trained itself',
        );
        await assert.rejects(
          store.startSegments([{ trialId: b.id, attempt: 1, fromEpoch: 3, params: { lr: 0.3, depth: 2 } }]),
          /segment|constraint|UNIQUE/i,
          'a decision point is recorded once',
        );
        // Re-queued with its checkpoint of epoch 2: the segment from epoch 3 is still its history.
        await store.requeueTrial(a.id, 1, 'worker lost', { lost: true });
        assert.equal((await store.listSegments(study.id)).filter((s) => s.trial === a.number).length, 1);
        // Its checkpoint forgotten, a member starts again from epoch 1 with its own parameters.
        await store.startTrial(a.id, 'w2');
        await store.forgetCheckpoint(a.id, 2, 0);
        assert.deepEqual(
          (await store.listSegments(study.id)).map((s) => s.trial),
          [b.number],
        );
      }));

    test('checkpoints of ended trials are deleted, but for the best `keep` COMPLETE ones', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('study'));
        const ids: number[] = [];
        for (const value of [0.5, 0.9, 0.7, 0.8]) {
          const trial = await store.createTrial(study.id, { lr: value, depth: 2 }, { worker: 'w1' });
          ids.push(trial.id);
          await store.saveCheckpoint(trial.id, 1, 0, checkpointOf(1));
          if (value === 0.8) continue; // still running
          await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(value) });
        }
        assert.equal(await store.retainCheckpoints(study.id, 1), 2);
        const kept = await Promise.all(ids.map(async (id) => (await store.listCheckpoints(id)).length));
        // The best (0.9) keeps its final model; the running trial keeps its checkpoint; 0.5 and 0.7 lose theirs.
        assert.deepEqual(kept, [0, 1, 0, 1]);
        assert.equal(await store.loadCheckpoint(ids[1] as number, 1), undefined);
        assert.deepEqual(await store.loadCheckpoint(ids[1] as number, 0), checkpointOf(1));
        assert.equal(await store.retainCheckpoints(study.id, 0), 1);
        assert.deepEqual(await store.listCheckpoints(ids[1] as number), []);
      }));

    test('epochs: every metric kept, re-reporting an epoch replaces it, non-finite values become absent', () =>
      withStore(async (store) => {
        const { trialId } = await runningTrial(store);
        const metrics = {
          trainLoss: 0.5,
          trainAccuracy: 0.8,
          valLoss: 0.6,
          valAccuracy: 0.75,
          learningRate: 0.01,
          epochSeconds: 1.25,
          mutualInformation: 1.7,
        };
        await store.recordEpoch(trialId, 1, 0, 1, { ...metrics, valAccuracy: 0.1 });
        await store.recordEpoch(trialId, 1, 0, 1, metrics);
        await store.recordEpoch(trialId, 1, 0, 2, { trainLoss: Number.NaN, valLoss: Number.POSITIVE_INFINITY });
        assert.deepEqual(await store.getEpochs(trialId), [
          { repeat: 0, epoch: 1, ...metrics },
          { repeat: 0, epoch: 2 },
        ]);
      }));

    test('epochs written at once (stored together): each settles on its own, stale ones refused alone, a repeated epoch keeps its last', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('together'));
        const trials = await Promise.all(
          Array.from({ length: 6 }, () => store.createTrial(study.id, { lr: 0.01, depth: 2 }, { worker: 'w1' })),
        );
        // Trial 0 moves to its second attempt: its first attempt's epochs must be refused.
        const moved = trials[0] as TrialRecord;
        await store.requeueTrial(moved.id, 1, 'lease expired');
        await store.startTrial(moved.id, 'w2');
        // Not awaited one by one: every write is pending at once, as reports from many workers are.
        const writes = trials.flatMap((trial) =>
          [1, 2, 3].map((epoch) => store.recordEpoch(trial.id, 1, 0, epoch, { valAccuracy: trial.number / 10 + epoch / 100 })),
        );
        writes.push(store.recordEpoch(moved.id, 2, 0, 1, { valAccuracy: 0.5 }));
        const last = trials[1] as TrialRecord;
        writes.push(store.recordEpoch(last.id, 1, 0, 3, { valAccuracy: 0.99 }));
        const settled = await Promise.allSettled(writes);
        settled.forEach((outcome, i) => {
          const staleWrite = i < 3; // trial 0's first attempt
          assert.equal(outcome.status, staleWrite ? 'rejected' : 'fulfilled', `write ${i}`);
          if (outcome.status === 'rejected')
            assert.ok(outcome.reason instanceof StaleAttemptError, `write ${i}: ${String(outcome.reason)}`);
        });
        assert.deepEqual(await store.getEpochs(moved.id), [{ repeat: 0, epoch: 1, valAccuracy: 0.5 }]);
        assert.deepEqual(
          (await store.getEpochs(last.id)).map((epoch) => epoch.valAccuracy),
          [last.number / 10 + 0.01, last.number / 10 + 0.02, 0.99],
          'the later of two writes of an epoch is the one kept',
        );
        for (const trial of trials.slice(2))
          assert.deepEqual(
            (await store.getEpochs(trial.id)).map((epoch) => [epoch.epoch, epoch.valAccuracy]),
            [1, 2, 3].map((epoch) => [epoch, trial.number / 10 + epoch / 100]),
          );
      }));

    test("a repeat's test evaluation and the trial's mean test accuracy are kept as given", () =>
      withStore(async (store) => {
        const { trialId } = await runningTrial(store);
        const test = {
          epoch: 2,
          loss: 0.42,
          accuracy: 0.75,
          confusion: [
            [3, 1],
            [1, 3],
          ],
        };
        await store.recordRepeat(trialId, 1, { repeat: 0, seed: 11, value: 0.8, epochs: 3, bestEpoch: 2, trainSeconds: 2, test });
        assert.deepEqual(await store.getRepeats(trialId), [
          { repeat: 0, seed: 11, value: 0.8, epochs: 3, bestEpoch: 2, trainSeconds: 2, test },
        ]);
        const finished = await store.finishTrial(trialId, 1, { state: 'COMPLETE', result: { ...result(0.8), testAccuracy: 0.75 } });
        assert.equal(finished.result?.testAccuracy, 0.75);
      }));

    test("extra metrics (a user's own code) round-trip with the epoch; non-finite ones become absent; epoch pages carry them", () =>
      withStore(async (store) => {
        const { studyId, trialId } = await runningTrial(store);
        await store.recordEpoch(trialId, 1, 0, 1, { valLoss: 0.5, extra: { val_f1: 0.25, perplexity: 12.5 } });
        await store.recordEpoch(trialId, 1, 0, 2, { extra: { val_f1: Number.NaN } });
        await store.recordEpoch(trialId, 1, 0, 3, { extra: { val_f1: 0.5, bleu: Number.POSITIVE_INFINITY } });
        const expected = [
          { repeat: 0, epoch: 1, valLoss: 0.5, extra: { val_f1: 0.25, perplexity: 12.5 } },
          { repeat: 0, epoch: 2 },
          { repeat: 0, epoch: 3, extra: { val_f1: 0.5 } },
        ];
        assert.deepEqual(await store.getEpochs(trialId), expected);
        const pages: TrialEpochRecord[] = [];
        for await (const page of store.epochPages(studyId)) pages.push(...page);
        assert.deepEqual(
          pages,
          expected.map((epoch) => ({ trialNumber: 0, ...epoch })),
        );
        // What a caller gets is its own copy.
        const [first] = await store.getEpochs(trialId);
        (first?.extra as Record<string, number>).val_f1 = 99;
        assert.deepEqual((await store.getEpochs(trialId))[0], expected[0]);
      }));

    test('a study whose objective is an extra metric: repeat values, trial values and best trials come from it', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('f1', { objective: { metric: 'val_f1', direction: 'maximize' } }));
        const { metric, direction } = study.definition.objective;
        const curves = [
          [0.2, 0.6, 0.4],
          [0.7, 0.3],
        ];
        for (const curve of curves) {
          const trial = await store.createTrial(study.id, { lr: 0.01, depth: 2 }, { worker: 'w1' });
          for (const [index, f1] of curve.entries())
            // val_accuracy falls while val_f1 rises: a value taken from the wrong metric shows.
            await store.recordEpoch(trial.id, 1, 0, index + 1, { valAccuracy: 1 - f1, extra: { val_f1: f1 } });
          const best = bestEpoch(await store.getEpochs(trial.id), metric, direction);
          const repeat = { repeat: 0, seed: 1, value: best.value, epochs: curve.length, bestEpoch: best.epoch, trainSeconds: 1 };
          await store.recordRepeat(trial.id, 1, repeat);
          await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: aggregateRepeats(await store.getRepeats(trial.id)) });
        }
        const [first, second] = await store.listTrials(study.id);
        assert.deepEqual([first?.result?.value, first?.result?.bestEpoch], [0.6, 2]);
        assert.deepEqual([second?.result?.value, second?.result?.bestEpoch], [0.7, 1]);
        assert.deepEqual(
          (await store.bestTrials(study.id, 2)).map((trial) => trial.number),
          [1, 0],
        );
        assert.equal((await store.summariseStudy(study.id)).bestValue, 0.7);
      }));

    test("a test evaluation without a confusion matrix (a user's own program) is kept as given", () =>
      withStore(async (store) => {
        const { trialId } = await runningTrial(store);
        const test = { epoch: 2, loss: 0.42, accuracy: 0.75 };
        await store.recordRepeat(trialId, 1, { repeat: 0, seed: 11, value: 0.8, epochs: 3, bestEpoch: 2, trainSeconds: 2, test });
        assert.deepEqual((await store.getRepeats(trialId))[0]?.test, test);
      }));

    test("runs' logs: kept per repeat whatever the outcome (a FAILED trial's too), replaced by a later attempt, fenced", () =>
      withStore(async (store) => {
        const { studyId, trialId } = await runningTrial(store);
        await store.recordLog(trialId, 1, 1, 'attempt 1, repeat 1\n');
        await store.requeueTrial(trialId, 1, 'worker lost', { lost: true });
        await store.startTrial(trialId, 'w2');
        await assert.rejects(store.recordLog(trialId, 1, 0, 'stale'), StaleAttemptError);
        await store.recordLog(trialId, 2, 1, 'attempt 2, repeat 1: Traceback\n\u001b[31mValueError\u001b[0m\n');
        await store.recordLog(trialId, 2, 0, 'repeat 0 é\n');
        await store.finishTrial(trialId, 2, { state: 'FAILED', reason: 'repeat 1 failed: exit code 1' });
        assert.deepEqual(await store.getLogs(trialId), [
          { repeat: 0, log: 'repeat 0 é\n' },
          { repeat: 1, log: 'attempt 2, repeat 1: Traceback\n\u001b[31mValueError\u001b[0m\n' },
        ]);
        const other = await store.createTrial(studyId, { lr: 0.1, depth: 1 }, { worker: 'w1' });
        assert.deepEqual(await store.getLogs(other.id), []);
        await store.finishTrial(other.id, 1, { state: 'COMPLETE', result: result(0.5) });
        await assert.rejects(store.recordLog(other.id, 1, 0, 'too late'));
        await assert.rejects(store.getLogs(12345), NotFoundError);
      }));

    test('best trials follow the direction; only COMPLETE trials count', () =>
      withStore(async (store) => {
        for (const direction of ['maximize', 'minimize'] as const) {
          const study = await store.createStudy(studyDefinition(direction, { objective: { metric: 'val_loss', direction } }));
          for (const value of [0.3, 0.9, 0.1, 0.9]) {
            const trial = await store.createTrial(study.id, { lr: value, depth: 1 }, { worker: 'w' });
            await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(value) });
          }
          const pruned = await store.createTrial(study.id, { lr: 0.5, depth: 1 }, { worker: 'w' });
          await store.finishTrial(pruned.id, 1, { state: 'PRUNED', reason: 'p', result: result(direction === 'maximize' ? 5 : -5) });
          await store.createTrial(study.id, { lr: 0.5, depth: 1 }, { worker: 'w' });
          const best = await store.bestTrials(study.id, 3);
          assert.deepEqual(
            best.map((t) => t.number),
            direction === 'maximize' ? [1, 3, 0] : [2, 0, 1],
          );
          const summary = await store.summariseStudy(study.id);
          assert.equal(summary.bestValue, direction === 'maximize' ? 0.9 : 0.1);
          assert.deepEqual(summary.counts, { QUEUED: 0, RUNNING: 1, COMPLETE: 4, PRUNED: 1, FAILED: 0 });
          assert.equal(summary.budget, 10);
        }
      }));

    test('listing trials by state, with parameters and results', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('s'));
        const a = await store.createTrial(study.id, { lr: 0.1, depth: 1 }, { worker: 'w' });
        await store.createTrial(study.id, { lr: 0.2, depth: 2 });
        await store.finishTrial(a.id, 1, { state: 'COMPLETE', result: result(0.5) });
        assert.deepEqual(
          (await store.listTrials(study.id)).map((t) => [t.number, t.state]),
          [
            [0, 'COMPLETE'],
            [1, 'QUEUED'],
          ],
        );
        const [queued] = await store.listTrials(study.id, { states: ['QUEUED'] });
        assert.deepEqual(queued?.params, { lr: 0.2, depth: 2 });
        assert.equal((await store.getTrial(study.id, 0)).result?.value, 0.5);
        await assert.rejects(
          store.getTrial(study.id, 7),
          (error: unknown) => error instanceof NotFoundError && error.facts?.reason === 'NO_SUCH_TRIAL' && error.facts.study === 's',
        );
        await assert.rejects(store.recordEpoch(9999, 1, 0, 1, {}), NotFoundError);
      }));

    /** A study of trials with these parameters and values (undefined: FAILED), finished in order. */
    async function studyOf(
      store: TrialStore,
      name: string,
      trials: readonly [Record<string, string | number | boolean>, number | undefined][],
      direction: 'maximize' | 'minimize' = 'maximize',
    ): Promise<number> {
      const study = await store.createStudy(studyDefinition(name, { objective: { metric: 'val_accuracy', direction } }));
      for (const [params, value] of trials) {
        const trial = await store.createTrial(study.id, params, { worker: 'w' });
        await store.finishTrial(
          trial.id,
          1,
          value === undefined ? { state: 'FAILED', reason: 'diverged' } : { state: 'COMPLETE', result: result(value) },
        );
      }
      return study.id;
    }

    test('best trials with a parameter filter: names must all hold, values of one name are alternatives', () =>
      withStore(async (store) => {
        const studyId = await studyOf(store, 'where', [
          [{ optimizer: 'adam', depth: 2, bn: true, lr: 0.1 }, 0.7],
          [{ optimizer: 'sgd', depth: 2, bn: false, lr: 0.1, momentum: 0.9 }, 0.9],
          [{ optimizer: 'adam', depth: 3, bn: true, lr: 0.30000000000000004 }, 0.8],
          [{ optimizer: 'rmsprop', depth: 2, bn: true, lr: 1e-7 }, 0.6],
          [{ optimizer: 'adam', depth: 2, bn: true, lr: 0.1 }, undefined],
        ]);
        const numbers = async (where: Record<string, (string | number | boolean)[]>, limit = 10): Promise<number[]> =>
          (await store.bestTrials(studyId, limit, { where })).map((t) => t.number);
        assert.deepEqual(await numbers({}), [1, 2, 0, 3]);
        assert.deepEqual(await numbers({ optimizer: ['adam'] }), [2, 0], 'the FAILED adam trial is not a best trial');
        assert.deepEqual(await numbers({ optimizer: ['adam', 'rmsprop'] }), [2, 0, 3]);
        assert.deepEqual(await numbers({ optimizer: ['adam'], depth: [2] }), [0]);
        assert.deepEqual(await numbers({ bn: [false] }), [1], 'booleans are values, not strings');
        assert.deepEqual(await numbers({ depth: ['2'] }), [], 'the string "2" is not the number 2');
        assert.deepEqual(await numbers({ lr: [0.30000000000000004] }), [2]);
        const bounded = async (where: ParamFilter): Promise<number[]> =>
          (await store.bestTrials(studyId, 10, { where })).map((t) => t.number);
        assert.deepEqual(await bounded({ lr: { '<': 0.1 } }), [3]);
        assert.deepEqual(await bounded({ lr: { '<=': 0.1 } }), [1, 0, 3], 'the FAILED trial is not kept either');
        assert.deepEqual(await bounded({ lr: { '>': 1e-7, '<': 0.3 } }), [1, 0], 'bounds of one name: all hold');
        assert.deepEqual(await bounded({ depth: { '>=': 3 } }), [2], 'integers');
        assert.deepEqual(await bounded({ depth: { '<': 3 }, optimizer: ['adam', 'sgd'] }), [1, 0]);
        assert.deepEqual(await bounded({ momentum: { '>': 0 } }), [1], 'trials without the parameter fail every bound');
        assert.deepEqual(await bounded({ optimizer: { '>': 0 } }), [], 'strings are never within numeric bounds');
        assert.deepEqual(await numbers({ lr: [1e-7] }), [3]);
        assert.deepEqual(await numbers({ momentum: [0.9] }), [1], 'a trial without the parameter never matches');
        assert.deepEqual(await numbers({ optimizer: [] }), []);
        assert.deepEqual(await numbers({ optimizer: ['adam'] }, 1), [2]);
      }));

    test('best trials by group: the top K for each value, groups best first, with their sizes', () =>
      withStore(async (store) => {
        for (const direction of ['maximize', 'minimize'] as const) {
          const studyId = await studyOf(
            store,
            `groups-${direction}`,
            [
              [{ optimizer: 'adam', depth: 1 }, 0.5],
              [{ optimizer: 'sgd', depth: 1, momentum: 0.9 }, 0.9],
              [{ optimizer: 'adam', depth: 2 }, 0.7],
              [{ optimizer: 'adam', depth: 2 }, 0.6],
              [{ optimizer: 'sgd', depth: 2, momentum: 0.5 }, 0.1],
              [{ optimizer: 'rmsprop', depth: 1 }, undefined],
            ],
            direction,
          );
          const groups = await store.bestTrialsByGroup(studyId, 'optimizer', 2);
          const shape = groups.map((g) => [g.value, g.complete, g.trials.map((t) => t.number)]);
          assert.deepEqual(
            shape,
            direction === 'maximize'
              ? [
                  ['sgd', 2, [1, 4]],
                  ['adam', 3, [2, 3]],
                ]
              : [
                  ['sgd', 2, [4, 1]],
                  ['adam', 3, [0, 3]],
                ],
          );
          assert.deepEqual(
            groups[0]?.trials[0]?.params,
            direction === 'maximize' ? { optimizer: 'sgd', depth: 1, momentum: 0.9 } : { optimizer: 'sgd', depth: 2, momentum: 0.5 },
          );
          assert.equal(groups[0]?.trials[0]?.result?.value, direction === 'maximize' ? 0.9 : 0.1);
          if (direction === 'maximize') {
            const byDepth = await store.bestTrialsByGroup(studyId, 'depth', 1, { where: { optimizer: ['adam'] } });
            assert.deepEqual(
              byDepth.map((g) => [g.value, g.complete, g.trials.map((t) => t.number)]),
              [
                [2, 2, [2]],
                [1, 1, [0]],
              ],
            );
            const byMomentum = await store.bestTrialsByGroup(studyId, 'momentum', 5);
            assert.deepEqual(
              byMomentum.map((g) => g.value),
              [0.9, 0.5],
              'trials without the parameter are in no group',
            );
            assert.deepEqual(await store.bestTrialsByGroup(studyId, 'absent', 5), []);
          }
        }
      }));

    test('trial pages: every trial once, by number, with parameters and results', () =>
      withStore(async (store) => {
        const studyId = await studyOf(
          store,
          'pages',
          Array.from({ length: 7 }, (_, i): [Record<string, number>, number | undefined] => [
            { lr: i / 10, depth: i },
            i === 3 ? undefined : i / 10,
          ]),
        );
        const other = await store.createStudy(studyDefinition('other'));
        await store.createTrial(other.id, { lr: 0.5, depth: 1 });
        const queued = await store.createTrial(studyId, { lr: 0.9, depth: 9 });
        const pages: (readonly TrialRecord[])[] = [];
        for await (const page of store.trialPages(studyId, 3)) pages.push(page);
        assert.deepEqual(
          pages.map((page) => page.length),
          [3, 3, 2],
        );
        const trials = pages.flat();
        assert.deepEqual(trials, await store.listTrials(studyId), 'the same records as the listing');
        assert.equal(trials.at(-1)?.id, queued.id);
        assert.equal(trials[3]?.state, 'FAILED');
        assert.deepEqual(trials[5]?.params, { lr: 0.5, depth: 5 });
        const empty = await store.createStudy(studyDefinition('empty'));
        for await (const page of store.trialPages(empty.id)) assert.fail(`no page expected, got ${page.length} trials`);
      }));

    test('a page of trials: sorted, filtered and cut by the store, nulls last, ties by number', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('table'));
        const finished = async (params: Record<string, string | number>, outcome: TrialOutcome): Promise<void> => {
          const trial = await store.createTrial(study.id, params, { worker: 'w' });
          await store.finishTrial(trial.id, 1, outcome);
        };
        await finished({ opt: 'adam', width: 10 }, { state: 'COMPLETE', result: result(0.7) });
        await finished({ opt: 'sgd', width: 9, momentum: 0.9 }, { state: 'COMPLETE', result: result(0.9) });
        await finished({ opt: 'adam', width: 100 }, { state: 'FAILED', reason: 'diverged at epoch 3' });
        await finished({ opt: 'rmsprop', width: 9 }, { state: 'COMPLETE', result: result(0.7) });
        const running = await store.createTrial(study.id, { opt: 'sgd', width: 50, momentum: 0.5 }, { worker: 'w2' });
        for (const epoch of [1, 2]) await store.recordEpoch(running.id, 1, 0, epoch, { valAccuracy: 0.5 });
        await store.createTrial(study.id, { opt: 'adam', width: 20 });
        await store.createTrial((await store.createStudy(studyDefinition('other'))).id, { opt: 'adam', width: 10 });

        const page = (query: Partial<TrialPageQuery> = {}): Promise<TrialPage> =>
          store.pageTrials(study.id, { offset: 0, limit: 100, ...query });
        const numbers = async (query: Partial<TrialPageQuery> = {}): Promise<number[]> =>
          (await page(query)).rows.map((row) => row.trial.number);
        assert.deepEqual(await numbers(), [0, 1, 2, 3, 4, 5]);
        assert.equal((await page()).matching, 6, 'the other study is not counted');
        assert.deepEqual(await numbers({ sort: 'value', descending: true }), [1, 0, 3, 2, 4, 5], 'no value last; a tie by number');
        assert.deepEqual(await numbers({ sort: 'value' }), [0, 3, 1, 2, 4, 5]);
        assert.deepEqual(await numbers({ sort: 'param:width' }), [1, 3, 0, 5, 4, 2], 'numbers as numbers: 9 < 10 < 100');
        assert.deepEqual(
          await numbers({ sort: 'param:momentum', descending: true }),
          [1, 4, 0, 2, 3, 5],
          'trials without the parameter last',
        );
        assert.deepEqual(await numbers({ sort: 'param:opt' }), [0, 2, 5, 3, 1, 4]);
        assert.deepEqual(
          await numbers({ sort: 'current_epoch' }),
          [4, 0, 1, 3, 2, 5],
          'the running trial at its last recorded epoch (2), finished ones at 3',
        );
        assert.deepEqual(await numbers({ sort: 'worker', descending: true }), [4, 0, 1, 2, 3, 5]);
        assert.deepEqual(await numbers({ states: ['COMPLETE'] }), [0, 1, 3]);
        assert.deepEqual(await numbers({ states: ['RUNNING', 'QUEUED'] }), [4, 5]);
        assert.deepEqual(await numbers({ states: [] }), []);
        assert.deepEqual(await numbers({ text: 'diverged' }), [2], 'the reason');
        assert.deepEqual(await numbers({ text: 'SGD' }), [1, 4], 'a parameter, any case');
        assert.deepEqual(await numbers({ text: '0.9' }), [1], 'the value and a parameter of the same trial: once');
        assert.deepEqual(await numbers({ text: 'w2' }), [4], 'the worker');
        assert.deepEqual(await numbers({ text: '%' }), [], 'LIKE wildcards are plain text');
        assert.deepEqual(await numbers({ text: 'adam', states: ['COMPLETE', 'QUEUED'] }), [0, 5]);
        const cut = await page({ sort: 'value', descending: true, offset: 2, limit: 2 });
        assert.deepEqual([cut.rows.map((row) => row.trial.number), cut.matching], [[3, 2], 6]);
        assert.deepEqual(cut.rows[0]?.trial, await store.getTrial(study.id, 3), 'whole records: parameters and results');
        const epochs = (await page({ sort: 'current_epoch' })).rows.map((row) => [row.trial.number, row.currentEpoch]);
        assert.deepEqual(
          epochs,
          [
            [4, 2],
            [0, 3],
            [1, 3],
            [3, 3],
            [2, null],
            [5, null],
          ],
          'the epoch each trial is at, as sorted',
        );
        await assert.rejects(store.pageTrials(9999, { offset: 0, limit: 1 }), { name: 'NotFoundError' });
      }));

    test('epoch pages: every epoch of every trial, by trial number, repeat and epoch', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('epochs'));
        const expected: TrialEpochRecord[] = [];
        for (let number = 0; number < 5; number++) {
          const trial = await store.createTrial(study.id, { lr: 0.1, depth: 1 }, { worker: 'w' });
          if (number === 2) continue; // a trial with no epochs
          for (const repeat of number === 4 ? [0, 1] : [0]) {
            for (let epoch = 1; epoch <= 2; epoch++) {
              const metrics = { valAccuracy: number / 10 + epoch / 100, trainLoss: 1 / epoch, learningRate: 0.01 };
              await store.recordEpoch(trial.id, 1, repeat, epoch, metrics);
              expected.push({ trialNumber: number, repeat, epoch, ...metrics });
            }
          }
        }
        const pages: (readonly TrialEpochRecord[])[] = [];
        for await (const page of store.epochPages(study.id, 2)) pages.push(page);
        assert.deepEqual(pages.flat(), expected);
        assert.deepEqual(
          pages.map((page) => page.length),
          [4, 2, 4],
          'trials 0-1, 2-3 (2 has none), 4',
        );
        const empty = await store.createStudy(studyDefinition('no-trials'));
        for await (const page of store.epochPages(empty.id)) assert.fail(`no page expected, got ${page.length} epochs`);
      }));

    test('one owner runs a study at a time; --take-over replaces a live one; a released study is free', () =>
      withStore(async (store) => {
        const study = await store.createStudy(studyDefinition('s'));
        assert.deepEqual(await store.claimStudy(study.id, { id: 'one', host: 'h', pid: 1 }), { previousAlive: false });
        assert.deepEqual(
          await store.claimStudy(study.id, { id: 'one', host: 'h', pid: 1 }),
          { previousAlive: false },
          'claiming again is no conflict',
        );
        await assert.rejects(store.claimStudy(study.id, { id: 'two', host: 'h', pid: 2 }), (error: unknown) => {
          assert.ok(error instanceof InvalidStateError);
          assert.match(error.message, /study "s" is being run by process 1 on h since /);
          assert.equal(error.facts?.reason, 'STUDY_OWNED');
          assert.equal(error.facts.study, 's');
          return true;
        });
        const taken = await store.claimStudy(study.id, { id: 'two', host: 'h', pid: 2 }, { takeOver: true });
        assert.equal(taken.previousAlive, true);
        assert.equal(taken.previous?.id, 'one');
        await store.releaseStudy(study.id, 'one'); // not the owner any more: no effect
        await assert.rejects(store.claimStudy(study.id, { id: 'three', host: 'h', pid: 3 }), InvalidStateError);
        await store.releaseStudy(study.id, 'two');
        assert.deepEqual(
          await store.claimStudy(study.id, { id: 'three', host: 'h', pid: 3 }),
          { previousAlive: false },
          'a released study has no owner',
        );
        assert.equal((await store.summariseStudy(study.id)).hosted, false, 'a study is not hosted until marked');
        await store.setHosted(study.id, true);
        assert.equal((await store.listStudies()).find((s) => s.id === study.id)?.hosted, true);
      }));
  });
}
