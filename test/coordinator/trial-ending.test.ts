import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { carriesOn, phaseAfter, RUNNING, startsTrials, type SweepPhase } from '../../coordinator/sweep-phase.js';
import { endingAfter, INTERRUPTED_REASON, NO_ENDING, resolution, type TrialEnding } from '../../coordinator/trial-ending.js';

const failed = (reason = 'repeat 0 failed: boom'): TrialEnding => ({ kind: 'failed', reason });
const pruned = (reason = 'pruned at epoch 2: below the median'): TrialEnding => ({ kind: 'pruned', reason });
const lost = (counts = true, reason = 'worker w1 lost'): TrialEnding => ({ kind: 'lost', reason, counts });

const endAfter = (...endings: TrialEnding[]): TrialEnding => endings.reduce(endingAfter, NO_ENDING);

describe('trial endings: which one a trial keeps', () => {
  test('any ending replaces none', () => {
    for (const ending of [failed(), pruned(), lost(), lost(false)]) assert.deepEqual(endAfter(ending), ending);
  });

  test('a failure wins over a prune and a loss, whichever came first', () => {
    assert.deepEqual(endAfter(pruned(), failed()), failed());
    assert.deepEqual(endAfter(failed(), pruned()), failed());
    assert.deepEqual(endAfter(lost(), failed()), failed());
    assert.deepEqual(endAfter(failed(), lost()), failed());
  });

  test('a prune wins over a loss, whichever came first', () => {
    assert.deepEqual(endAfter(lost(), pruned()), pruned());
    assert.deepEqual(endAfter(pruned(), lost()), pruned());
  });

  test('the first failure and the first loss are kept; the last prune', () => {
    assert.deepEqual(endAfter(failed('first'), failed('second')), failed('first'));
    assert.deepEqual(endAfter(lost(true, 'first'), lost(false, 'second')), lost(true, 'first'));
    assert.deepEqual(endAfter(lost(false, 'first'), lost(true, 'second')), lost(false, 'first'));
    assert.deepEqual(endAfter(pruned('first'), pruned('second')), pruned('second'));
  });

  test('none never replaces an ending', () => {
    for (const ending of [failed(), pruned(), lost()]) assert.deepEqual(endingAfter(ending, NO_ENDING), ending);
  });
});

describe('trial endings: what the trial becomes', () => {
  const context = { allRepeatsDone: false, lostAttempts: 0, maxAttempts: 3 };

  test('none: COMPLETE when every repeat is done, otherwise re-queued as interrupted', () => {
    assert.deepEqual(resolution(NO_ENDING, { ...context, allRepeatsDone: true }), { kind: 'complete' });
    assert.deepEqual(resolution(NO_ENDING, context), { kind: 'requeued-interrupted', reason: INTERRUPTED_REASON });
  });

  test('failed and pruned end the trial with their reason, even when every repeat is done', () => {
    for (const allRepeatsDone of [false, true]) {
      assert.deepEqual(resolution(failed(), { ...context, allRepeatsDone }), { kind: 'failed', reason: 'repeat 0 failed: boom' });
      assert.deepEqual(resolution(pruned(), { ...context, allRepeatsDone }), {
        kind: 'pruned',
        reason: 'pruned at epoch 2: below the median',
      });
    }
  });

  test('lost: re-queued, counted or not, even when every repeat is done', () => {
    assert.deepEqual(resolution(lost(true), { ...context, allRepeatsDone: true }), {
      kind: 'requeued-lost',
      reason: 'worker w1 lost',
      counted: true,
    });
    assert.deepEqual(resolution(lost(false), context), { kind: 'requeued-lost', reason: 'worker w1 lost', counted: false });
  });

  test('lost on the last attempt: FAILED, saying it gave up; a loss that does not count never fails', () => {
    assert.deepEqual(resolution(lost(true), { ...context, lostAttempts: 2 }), {
      kind: 'failed',
      reason: 'worker w1 lost; gave up after 3 lost attempts',
    });
    assert.deepEqual(resolution(lost(true), { ...context, lostAttempts: 1 }), {
      kind: 'requeued-lost',
      reason: 'worker w1 lost',
      counted: true,
    });
    assert.deepEqual(resolution(lost(false), { ...context, lostAttempts: 2 }), {
      kind: 'requeued-lost',
      reason: 'worker w1 lost',
      counted: false,
    });
    assert.deepEqual(resolution(lost(true), { ...context, maxAttempts: 1 }), {
      kind: 'failed',
      reason: 'worker w1 lost; gave up after 1 lost attempts',
    });
  });
});

describe('sweep phases', () => {
  const error = new Error('disk I/O error');
  const draining: SweepPhase = { kind: 'draining' };
  const stopping: SweepPhase = { kind: 'stopping', error: undefined };
  const failing: SweepPhase = { kind: 'stopping', error };

  test('drain: running becomes draining; any other phase stays', () => {
    assert.deepEqual(phaseAfter(RUNNING, { type: 'drain' }), draining);
    for (const phase of [draining, stopping, failing, { kind: 'done', error: undefined } as const])
      assert.equal(phaseAfter(phase, { type: 'drain' }), phase);
  });

  test('stop: running and draining become stopping; stopping and done stay', () => {
    assert.deepEqual(phaseAfter(RUNNING, { type: 'stop' }), stopping);
    assert.deepEqual(phaseAfter(draining, { type: 'stop' }), stopping);
    assert.equal(phaseAfter(failing, { type: 'stop' }), failing);
  });

  test('fail: stopping with the error, from any phase before the end; the first error is kept', () => {
    assert.deepEqual(phaseAfter(RUNNING, { type: 'fail', error }), failing);
    assert.deepEqual(phaseAfter(draining, { type: 'fail', error }), failing);
    assert.deepEqual(phaseAfter(stopping, { type: 'fail', error }), failing);
    assert.equal(phaseAfter(failing, { type: 'fail', error: new Error('later') }), failing);
    const done: SweepPhase = { kind: 'done', error: undefined };
    assert.equal(phaseAfter(done, { type: 'fail', error }), done, 'run has already returned');
  });

  test('end: done, carrying the error of a failure; a second end is a bug', () => {
    assert.deepEqual(phaseAfter(RUNNING, { type: 'end' }), { kind: 'done', error: undefined });
    assert.deepEqual(phaseAfter(draining, { type: 'end' }), { kind: 'done', error: undefined });
    assert.deepEqual(phaseAfter(failing, { type: 'end' }), { kind: 'done', error });
    assert.throws(() => phaseAfter({ kind: 'done', error: undefined }, { type: 'end' }), /cannot end twice/);
  });

  test('only running starts trials; running and draining carry on with the started ones', () => {
    const done: SweepPhase = { kind: 'done', error: undefined };
    assert.deepEqual([RUNNING, draining, stopping, done].map(startsTrials), [true, false, false, false]);
    assert.deepEqual([RUNNING, draining, stopping, done].map(carriesOn), [true, true, false, false]);
  });
});
