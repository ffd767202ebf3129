import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, test } from 'node:test';
import { compile } from 'vega-lite';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import type { TrialRecord } from '../../src/store/records.js';
import { runCli } from '../helpers/cli-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeTinySweep } from '../helpers/tiny-sweep.js';
import { studyDefinition } from '../store/study-fixture.js';

const dir = tempDir('sweeper-report-');
const db = join(dir, 'report.db');
const CHROMIUM = '/usr/bin/chromium';

type Specs = Record<string, Record<string, unknown>>;
interface Report {
  html: string;
  specs: Specs;
}

async function report(args: string[], output: string): Promise<Report> {
  const result = await runCli(['report', ...args, '-o', output]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^wrote the report of study \S+ to /);
  const html = readFileSync(output, 'utf8');
  const json = /<script type="application\/json" id="report-specs">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json, 'the specs are embedded');
  return { html, specs: JSON.parse(json) as Specs };
}

function sectionNote(html: string, id: string): string | undefined {
  return new RegExp(`<section id="${id}"><h2>[^<]*</h2><p class="note">([^<]*)</p>`).exec(html)?.[1];
}

/** The inline rows of a spec, wherever Vega-Lite keeps them. */
function rows(spec: Record<string, unknown>): Record<string, unknown>[] {
  const data = spec.data as { values?: Record<string, unknown>[] } | undefined;
  if (data?.values) return data.values;
  const datasets = spec.datasets as Record<string, Record<string, unknown>[]> | undefined;
  return datasets ? Object.values(datasets).flat() : [];
}

function assertCompiles(specs: Specs): void {
  for (const [id, spec] of Object.entries(specs)) {
    const warnings: string[] = [];
    const logger = {
      level: () => logger,
      info: () => logger,
      debug: () => logger,
      warn: (...m: unknown[]) => {
        warnings.push(m.join(' '));
        return logger;
      },
      error: (...m: unknown[]) => {
        warnings.push(m.join(' '));
        return logger;
      },
    };
    const compiled = compile(spec as unknown as Parameters<typeof compile>[0], {
      logger: logger as unknown as NonNullable<Parameters<typeof compile>[1]>['logger'],
    });
    assert.ok(compiled.spec, id);
    assert.deepEqual(warnings, [], `${id} compiles without warnings`);
  }
}

async function storeTrials(path: string, study: string): Promise<{ trials: TrialRecord[]; store: SqliteTrialStore; studyId: number }> {
  const store = SqliteTrialStore.open(path);
  const record = await store.getStudy(study);
  return { trials: await store.listTrials(record.id), store, studyId: record.id };
}

let tiny: Report;

before(async () => {
  // Real training: 1,200 digits with a 200-digit test part, 4 trials, 2 repeats each.
  const file = writeTinySweep(dir, {
    dataset: 'dataset:\n  name: bundled-mnist\n  limit: 1200\n  validation: 200\n  test: 200',
    budget: 'budget:\n  trials: 4\nrepeats: 2',
  });
  const run = await runCli(['run', file, '--db', db, '--threads', '2', '--no-progress']);
  assert.equal(run.code, 0, run.stderr);
  tiny = await report(['tiny', '--db', db, '--top', '2'], join(dir, 'tiny.html'));
});

describe('sweeper report', () => {
  test('is one self-contained file: the libraries inlined, no reference to the network', () => {
    for (const library of ['vega', 'vega-lite', 'vega-embed']) assert.ok(tiny.html.includes(`<script data-library="${library}">`), library);
    assert.doesNotMatch(tiny.html, /<script[^>]+src=/i);
    assert.doesNotMatch(tiny.html, /<link[^>]+href=["']?https?:/i);
    assert.doesNotMatch(tiny.html, /(src|href)=["']?(https?:)?\/\//i);
    // Outside the libraries' own code (which holds the SVG namespace and similar identifiers), no URL at all.
    const own = tiny.html.replace(/<script data-library="[^"]+">[\s\S]*?<\/script>/g, '');
    assert.doesNotMatch(own, /https?:\/\//);
  });

  test('every chart applies to a trained study and compiles with vega-lite', () => {
    assert.deepEqual(Object.keys(tiny.specs), [
      'history',
      'parallel-coordinates',
      'slices',
      'learning-curves',
      'confusion-matrix',
      'class-scores',
    ]);
    assert.match(sectionNote(tiny.html, 'importance') ?? '', /needs at least 20 COMPLETE trials with a finite value; this study has 4/);
    assertCompiles(tiny.specs);
  });

  test("the history holds the store's values and the running best", async () => {
    const { trials, store } = await storeTrials(db, 'tiny');
    await store.close();
    const history = rows(tiny.specs.history ?? {});
    assert.deepEqual(
      history.map((r) => r.trial),
      trials.map((t) => t.number),
    );
    assert.deepEqual(
      history.map((r) => r.value),
      trials.map((t) => t.result?.value),
    );
    let best = -Infinity;
    for (const row of history) {
      best = Math.max(best, row.value as number);
      assert.equal(row.best, best, `trial ${String(row.trial)}`);
    }
  });

  test("learning curves are the store's epochs, averaged over repeats; the confusion matrix is the stored one", async () => {
    const { store, studyId } = await storeTrials(db, 'tiny');
    try {
      const [best, second] = await store.bestTrials(studyId, 2);
      assert.ok(best && second);
      const curves = rows(tiny.specs['learning-curves'] ?? {});
      assert.deepEqual([...new Set(curves.map((r) => r.trial))], [`trial ${best.number}`, `trial ${second.number}`]);
      const epochs = await store.getEpochs(best.id);
      for (const epoch of [1, 2]) {
        const values = epochs.filter((e) => e.epoch === epoch).map((e) => e.valAccuracy ?? NaN);
        assert.equal(values.length, 2, 'two repeats');
        const row: Record<string, unknown> | undefined = curves.find(
          (r) => r.trial === `trial ${best.number}` && r.epoch === epoch && r.metric === 'accuracy' && r.split === 'validation',
        );
        assert.ok(row);
        assert.equal(row.mean, ((values[0] ?? 0) + (values[1] ?? 0)) / 2);
        assert.equal(row.min, Math.min(...values));
        assert.equal(row.max, Math.max(...values));
      }
      const repeats = await store.getRepeats(best.id);
      const stored = repeats.map((r) => r.test?.confusion);
      assert.equal(stored.length, 2);
      const cells = rows(tiny.specs['confusion-matrix'] ?? {});
      for (const cell of cells) {
        const [a, p] = [cell.actual as number, cell.predicted as number];
        assert.equal(
          cell.count,
          stored.reduce((sum, m) => sum + (m?.[a]?.[p] ?? 0), 0),
          `cell ${a},${p}`,
        );
      }
      assert.equal(
        cells.reduce((sum, c) => sum + (c.count as number), 0),
        400,
        'two repeats of 200 test digits',
      );
    } finally {
      await store.close();
    }
  });

  test('a study without a test set gets every other chart and a note for the confusion matrix', async () => {
    const file = writeTinySweep(dir, { study: 'study: no-test', budget: 'budget:\n  trials: 2' }, 'no-test.yaml');
    const run = await runCli(['run', file, '--db', db, '--threads', '2', '--no-progress']);
    assert.equal(run.code, 0, run.stderr);
    const { html, specs } = await report(['no-test', '--db', db], join(dir, 'no-test.html'));
    assert.deepEqual(Object.keys(specs), ['history', 'parallel-coordinates', 'slices', 'learning-curves']);
    assert.match(sectionNote(html, 'confusion-matrix') ?? '', /has no test-set evaluation/);
    assert.match(sectionNote(html, 'class-scores') ?? '', /has no test-set evaluation/);
    assertCompiles(specs);
  });

  test('a study whose trials all failed gets its history and a note for each other chart', async () => {
    const path = join(dir, 'failed.db');
    const store = SqliteTrialStore.open(path);
    const study = await store.createStudy(studyDefinition('all-failed', { budget: { trials: 3 } }));
    for (let i = 0; i < 3; i++) {
      const trial = await store.createTrial(study.id, { lr: 0.4, depth: 2 }, { worker: 'test' });
      await store.finishTrial(trial.id, 1, { state: 'FAILED', reason: 'the loss became NaN at epoch 1' });
    }
    await store.close();
    const { html, specs } = await report(['all-failed', '--db', path], join(dir, 'failed.html'));
    assert.deepEqual(Object.keys(specs), ['history']);
    assert.deepEqual(
      rows(specs.history ?? {}).map((r) => [r.state, r.value, r.best]),
      [
        ['FAILED', null, null],
        ['FAILED', null, null],
        ['FAILED', null, null],
      ],
    );
    for (const id of ['parallel-coordinates', 'slices'])
      assert.match(sectionNote(html, id) ?? '', /no COMPLETE trial with a finite val_accuracy yet/, id);
    for (const id of ['learning-curves', 'confusion-matrix', 'class-scores'])
      assert.match(sectionNote(html, id) ?? '', /no COMPLETE trial yet/, id);
    assertCompiles(specs);
  });

  test('bad input is a clear error with exit code 2, and no file is left behind', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['report', 'nope', '--db', db, '-o', join(dir, 'x.html')],
        /error: no study named "nope" in .*\nhint: list the studies with `sweeper studies`/,
      ],
      [['report', 'tiny', '--db', join(dir, 'absent.db'), '-o', join(dir, 'x.html')], /error: no trial store at .*absent\.db/],
      [
        ['report', 'tiny', '--db', db, '-o', join(dir, 'missing-dir', 'x.html')],
        /error: cannot write the report to .*missing-dir\/x\.html: no such directory\nhint: choose another path with -o FILE/,
      ],
      [['report', 'tiny', '--db', db, '-o', dir], /error: cannot write the report to .*: is a directory, expected a file/],
      [['report', 'tiny', '--db', db], /required option '-o, --output <file>' not specified/],
      [['report', 'tiny', '--db', db, '-o', join(dir, 'x.html'), '--top', '0'], /expected a positive integer, but got "0"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.equal(existsSync(join(dir, 'x.html')), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.partial')),
      [],
    );
  });

  test('draws every chart in a headless browser', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` }, async () => {
    const { stdout } = await promisify(execFile)(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=20000', '--dump-dom', `file://${join(dir, 'tiny.html')}`],
      { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    );
    assert.match(stdout, new RegExp(`data-charts-drawn="${Object.keys(tiny.specs).length}"`));
    assert.match(stdout, /data-charts-failed="0"/);
  });
});
