import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { TrialRecord } from '../../src/store/records.js';
import { sampleByRank } from '../../src/report/parallel-coordinates-chart.js';
import { loadStudyReportData } from '../../src/report/study-report-data.js';
import { studyChartNotes, studyCharts } from '../../src/report/study-charts.js';
import { tempDir } from '../helpers/temp-dir.js';
import { result, studyDefinition } from '../store/study-fixture.js';

const scored = (n: number): { trial: TrialRecord; value: number }[] =>
  Array.from({ length: n }, (_, number) => ({ trial: { number } as TrialRecord, value: Math.sin(number) }));

describe('parallel coordinates sample', () => {
  test('keeps every trial up to the limit', () => {
    assert.equal(sampleByRank(scored(1000), 'maximize').length, 1000);
  });

  test('above it: the best 200 always, evenly spaced ranks of the rest, the same each time', () => {
    const all = scored(10_000);
    const sample = sampleByRank(all, 'minimize');
    assert.equal(sample.length, 1000);
    const best = [...all]
      .sort((a, b) => a.value - b.value)
      .slice(0, 200)
      .map((s) => s.trial.number);
    const kept = new Set(sample.map((s) => s.trial.number));
    assert.ok(best.every((n) => kept.has(n)));
    assert.deepEqual(sampleByRank(all, 'minimize'), sample);
    const values = sample.map((s) => s.value);
    assert.ok(Math.max(...values) > 0.99, 'the worst end is kept too');
  });
});

describe('studyCharts on the store', () => {
  test('importance is computed from 20+ COMPLETE trials; an open-ended study without epochs gets a note for curves', async () => {
    const store = SqliteTrialStore.open(join(tempDir(), 'charts.db'));
    const study = await store.createStudy(studyDefinition('ask-tell', { budget: {} }));
    for (let i = 0; i < 30; i++) {
      const lr = 10 ** (-4 + (4 * i) / 29);
      const trial = await store.createTrial(study.id, { lr, depth: 1 + (i % 4) }, { worker: 'test' });
      await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(1 - Math.abs(Math.log10(lr) + 2) / 2) });
    }
    const data = await loadStudyReportData(store, 'ask-tell', { top: 3 });
    await store.close();
    assert.deepEqual(Object.keys(data.importance).sort(), ['depth', 'lr']);
    assert.ok((data.importance.lr ?? 0) > (data.importance.depth ?? 0), 'the objective depends on lr only');
    assert.deepEqual(
      studyCharts(data).map((c) => c.id),
      ['history', 'parallel-coordinates', 'importance', 'slices'],
    );
    assert.deepEqual(
      studyChartNotes(data).map((n) => n.id),
      ['learning-curves', 'confusion-matrix', 'class-scores'],
    );
    const importanceRows = (
      studyCharts(data).find((c) => c.id === 'importance')?.spec as { data: { values: { parameter: string; importance: number }[] } }
    ).data.values;
    assert.deepEqual(Object.fromEntries(importanceRows.map((r) => [r.parameter, r.importance])), data.importance);
  });

  test("an objective a user's own code reports (an extra metric) has its learning curves; evaluations without a matrix give no confusion chart", async () => {
    const store = SqliteTrialStore.open(join(tempDir(), 'own.db'));
    const study = await store.createStudy(studyDefinition('own', { objective: { metric: 'val_f1', direction: 'maximize' }, repeats: 2 }));
    const trial = await store.createTrial(study.id, { lr: 0.01, depth: 1 }, { worker: 'test' });
    for (const repeat of [0, 1]) {
      await store.recordEpoch(trial.id, 1, repeat, 1, { valLoss: 1, extra: { val_f1: 0.2 + repeat / 10, '<b>x</b>': 1 } });
      await store.recordEpoch(trial.id, 1, repeat, 2, { valLoss: 0.5, extra: { val_f1: 0.4 + repeat / 10 } });
      await store.recordRepeat(trial.id, 1, {
        repeat,
        seed: repeat,
        value: 0.4 + repeat / 10,
        epochs: 2,
        bestEpoch: 2,
        trainSeconds: 1,
        test: { epoch: 2, loss: 0.5, accuracy: 0.75 },
      });
    }
    await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: { ...result(0.45), repeats: 2, testAccuracy: 0.75 } });
    const data = await loadStudyReportData(store, 'own', { top: 3 });
    await store.close();
    const curves = studyCharts(data).find((c) => c.id === 'learning-curves');
    const rows = (curves?.spec as { data: { values: { metric: string; epoch: number; mean: number; repeats: number }[] } }).data.values;
    assert.deepEqual(
      rows.filter((r) => r.metric === 'val_f1').map((r) => [r.epoch, Number(r.mean.toFixed(6)), r.repeats]),
      [
        [1, 0.25, 2],
        [2, 0.45, 2],
      ],
    );
    assert.deepEqual([...new Set(rows.map((r) => r.metric))].sort(), ['loss', 'val_f1'], 'only the objective among the extras');
    assert.ok(studyChartNotes(data).some((n) => n.id === 'confusion-matrix'));
  });

  test('bad options are refused by name', async () => {
    const store = SqliteTrialStore.open(join(tempDir(), 'bad.db'));
    await store.createStudy(studyDefinition('s'));
    await assert.rejects(loadStudyReportData(store, 's', { top: 0 }), /options\.top must be a positive integer, but got 0/);
    await assert.rejects(loadStudyReportData(store, 'missing'), /no study named "missing"/);
    await store.close();
  });
});
