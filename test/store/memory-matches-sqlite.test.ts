import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MemoryTrialStore } from '../../src/store/memory/memory-trial-store.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { TRIAL_SORT_COLUMNS, type TrialSortKey } from '../../src/store/trial-page.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import type { ParamFilter } from '../../src/store/records.js';
import { tempDir } from '../helpers/temp-dir.js';
import { result, studyDefinition } from './study-fixture.js';

const dir = tempDir();

type Params = Record<string, string | number | boolean>;

/** Trials of many shapes: values that SQLite writes as `1.0`, `1.0e-07` or in 17 digits, strings, booleans, parameters missing. */
const TRIALS: readonly [Params, 'COMPLETE' | 'PRUNED' | 'FAILED' | 'RUNNING' | 'QUEUED', number?][] = [
  [{ opt: 'adam', width: 10, bn: true }, 'COMPLETE', 0.9],
  [{ opt: 'sgd', width: 9, momentum: 0.9 }, 'COMPLETE', 1],
  [{ opt: 'Adam', width: 100, bn: false }, 'FAILED'],
  [{ opt: 'rmsprop', width: 9, lr: 1e-7 }, 'COMPLETE', 1e-7],
  [{ opt: 'sgd', width: 50, momentum: 0.5 }, 'RUNNING'],
  [{ opt: 'adam', width: 20, lr: 0.30000000000000004 }, 'QUEUED'],
  [{ opt: 'adam', width: 9, bn: true }, 'PRUNED', 0.25],
  [{ opt: 'sgd', width: 1e5, momentum: 0.9 }, 'COMPLETE', 0.30000000000000004],
  [{ opt: '100%', width: 3 }, 'COMPLETE', 100],
  [{ opt: 'adam', width: 10, bn: false }, 'COMPLETE', 0.9],
];

async function fill(store: TrialStore): Promise<number> {
  const study = await store.createStudy(studyDefinition('same'));
  for (const [params, state, value] of TRIALS) {
    const trial = await store.createTrial(study.id, params, state === 'QUEUED' ? undefined : { worker: `w-${params.opt}` });
    if (state === 'RUNNING') {
      for (const epoch of [1, 2]) await store.recordEpoch(trial.id, 1, 0, epoch, { valAccuracy: 0.5 });
      continue;
    }
    if (state === 'QUEUED') continue;
    await store.recordEpoch(trial.id, 1, 0, 1, { valAccuracy: value ?? 0 });
    if (state === 'FAILED') await store.finishTrial(trial.id, 1, { state, reason: 'diverged at epoch 1: loss is NaN' });
    else if (state === 'PRUNED') await store.finishTrial(trial.id, 1, { state, reason: 'below the median', result: result(value ?? 0) });
    else await store.finishTrial(trial.id, 1, { state, result: { ...result(value ?? 0), testAccuracy: (value ?? 0) / 2 } });
  }
  return study.id;
}

/** Everything the queries answer, by trial number (times differ between two stores). */
async function answers(store: TrialStore, studyId: number): Promise<unknown[]> {
  const out: unknown[] = [];
  const sorts: TrialSortKey[] = [
    ...TRIAL_SORT_COLUMNS,
    'param:opt',
    'param:width',
    'param:bn',
    'param:momentum',
    'param:lr',
    'param:absent',
  ];
  for (const sort of sorts) {
    for (const descending of [false, true]) {
      const page = await store.pageTrials(studyId, { sort, descending, offset: 1, limit: 6 });
      out.push([sort, descending, page.matching, page.rows.map((row) => [row.trial.number, row.currentEpoch])]);
    }
  }
  for (const text of [
    '0.9',
    '1.0',
    'e-07',
    '0.30000000000000004',
    'ADAM',
    'true',
    '"',
    '%',
    '_',
    'w-sgd',
    'median',
    'RUNNING',
    '1',
    '100.0',
    ' adam ',
  ]) {
    const page = await store.pageTrials(studyId, { text, offset: 0, limit: 100 });
    out.push([text, page.matching, page.rows.map((row) => row.trial.number)]);
  }
  const filters: ParamFilter[] = [
    {},
    { opt: ['adam', 'sgd'] },
    { bn: [true] },
    { width: { '>=': 10, '<': 1e5 } },
    { momentum: { '>': 0 } },
    { opt: { '<': 5 } },
    { width: [9] },
    { width: ['9'] },
  ];
  for (const where of filters) {
    out.push(['best', where, (await store.bestTrials(studyId, 4, { where })).map((t) => t.number)]);
    for (const param of ['opt', 'width', 'bn', 'absent']) {
      const groups = await store.bestTrialsByGroup(studyId, param, 2, { where });
      out.push(['groups', param, where, groups.map((g) => [g.value, g.complete, g.trials.map((t) => t.number)])]);
    }
  }
  const summary = await store.summariseStudy(studyId);
  out.push([summary.counts, summary.bestValue, summary.budget, summary.direction]);
  const trials = await store.listTrials(studyId);
  out.push(
    trials.map(({ number, state, attempt, lostAttempts, worker, params, reason, result: r }) => ({
      number,
      state,
      attempt,
      lostAttempts,
      worker,
      params,
      reason,
      r,
    })),
  );
  for (const trial of trials) out.push([trial.number, await store.getEpochs(trial.id), await store.getRepeats(trial.id)]);
  return out;
}

describe('the in-memory store answers queries as the SQLite store does', () => {
  test('pages sorted and searched, best trials filtered and grouped, summaries', async () => {
    const sqlite = SqliteTrialStore.open(join(dir, 'same.db'));
    const memory = new MemoryTrialStore();
    try {
      const expected = await answers(sqlite, await fill(sqlite));
      const actual = await answers(memory, await fill(memory));
      assert.equal(actual.length, expected.length);
      expected.forEach((answer, index) =>
        assert.deepEqual(actual[index], answer, `query ${index}: ${JSON.stringify(answer).slice(0, 200)}`),
      );
    } finally {
      await sqlite.close();
      await memory.close();
    }
  });
});
