import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { compile } from 'vega-lite';
import { runCli, startCli } from '../helpers/cli-process.js';
import { EPOCHS, FIXED_SWEEP, PBT_SWEEP, POPULATION, readPbtStored, segmentCount, type PbtStored } from '../helpers/pbt-study.js';
import { readTrials } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { memberSchedule } from '../../src/store/segments.js';
import { studyChartsView } from '../../dashboard/study-charts-view.js';
import { trialPageView } from '../../dashboard/dashboard-views.js';
import type { TrialDetailJson } from '../../src/views/trial-detail-json.js';

/**
 * Issue 16, point 6: Population Based Training as a scheduler, run as the user runs it
 * (`sweeper run`, then `show`, `report`, the dashboard's views), on real digits with real training.
 */
const lr = (params: string): number => (JSON.parse(params) as { learning_rate: number }).learning_rate;

/** Each member's learning rate at each epoch, by its schedule (its own until its first segment). */
function scheduledRates(stored: PbtStored, initial: Record<number, number>): Record<number, number[]> {
  const rates: Record<number, number[]> = {};
  for (let member = 0; member < POPULATION; member++) {
    const segments = stored.segments.filter((s) => s.trial === member);
    rates[member] = Array.from({ length: EPOCHS }, (_, index) => {
      const current = segments.filter((s) => s.from_epoch <= index + 1).at(-1);
      return current ? lr(current.params) : (initial[member] as number);
    });
  }
  return rates;
}

const finalAccuracy = (stored: PbtStored, member: number): number => stored.epochs[member]?.at(-1)?.val_accuracy as number;
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('Population Based Training, end to end (sweeper run, real digits)', () => {
  const dir = tempDir('sweeper-pbt-');
  writeFileSync(join(dir, 'pbt.yaml'), PBT_SWEEP);
  writeFileSync(join(dir, 'fixed.yaml'), FIXED_SWEEP);
  let clean: PbtStored;
  let fixed: PbtStored;
  let initialRates: Record<number, number>;
  /** What `sweeper run` printed of the PBT sweep. */
  let printed = '';

  test(
    'PBT finds the learning rate: the members that start too slow copy better ones and end far better than the same configurations kept fixed',
    { timeout: 10 * 60_000 },
    async () => {
      for (const [file, db] of [
        ['pbt.yaml', 'pbt.db'],
        ['fixed.yaml', 'fixed.db'],
      ] as const) {
        const run = await runCli(['run', file, '--db', db, '--threads', '2', '--no-progress'], { cwd: dir });
        assert.equal(run.code, 0, run.stderr);
        if (file === 'pbt.yaml') printed = run.stdout;
      }
      clean = readPbtStored(join(dir, 'pbt.db'), 'lr');
      fixed = readPbtStored(join(dir, 'fixed.db'), 'fixed');
      for (let member = 0; member < POPULATION; member++) {
        assert.equal(clean.states[member], 'COMPLETE');
        assert.equal(clean.epochs[member]?.length, EPOCHS, `member ${member} trained every epoch once`);
      }
      // The same first configurations: the first two epochs (before any decision) are the fixed run's.
      for (let member = 0; member < POPULATION; member++)
        assert.deepEqual(clean.epochs[member]?.slice(0, 2), fixed.epochs[member]?.slice(0, 2), `member ${member}`);
      initialRates = Object.fromEntries(Array.from({ length: POPULATION }, (_, m) => [m, fixed.epochs[m]?.[0]?.learning_rate as number]));

      // A decision point after epochs 2, 4 and 6: one segment per member each, two members (25 % of 8) exploit at each.
      assert.equal(clean.segments.length, 3 * POPULATION);
      for (const point of [2, 4, 6]) {
        const decided = clean.segments.filter((s) => s.from_epoch === point + 1);
        assert.equal(decided.length, POPULATION, `point ${point}`);
        assert.equal(decided.filter((s) => s.parent !== null).length, 2, `point ${point}: the bottom quantile exploits`);
      }
      // Every epoch trained with the rate its schedule says (the explored parameters reached the runs).
      const rates = scheduledRates(clean, initialRates);
      for (let member = 0; member < POPULATION; member++)
        assert.deepEqual(
          clean.epochs[member]?.map((e) => Number(e.learning_rate.toPrecision(12))),
          rates[member]?.map((rate) => Number(rate.toPrecision(12))),
          `member ${member}`,
        );
      // An exploit goes on from the parent's weights: a member far behind its parent is, one epoch later, where the parent was.
      let jumps = 0;
      for (const exploit of clean.segments.filter((s) => s.parent !== null)) {
        const point = exploit.from_epoch - 1;
        const own = clean.epochs[exploit.trial]?.[point - 1]?.val_accuracy as number;
        const parent = clean.epochs[exploit.parent as number]?.[point - 1]?.val_accuracy as number;
        const next = clean.epochs[exploit.trial]?.[point]?.val_accuracy as number;
        if (parent - own < 0.1) continue;
        jumps++;
        assert.ok(
          Math.abs(next - parent) < (parent - own) / 2,
          `trial ${exploit.trial} after epoch ${point}: ${own} -> ${next}, parent ${parent}`,
        );
      }
      assert.ok(jumps >= 1, 'some member exploited one far better than itself');

      // What PBT found: the rates too small to learn in 8 epochs are gone from the population.
      const slow = Object.values(initialRates).filter((rate) => rate < 0.01).length;
      assert.ok(slow >= 2, `the random start has ${slow} members below 0.01`);
      const finalRates = Object.values(rates).map((r) => r.at(-1) as number);
      assert.deepEqual(
        finalRates.filter((rate) => rate < 0.01),
        [],
        `final rates: ${finalRates.map((r) => r.toPrecision(3)).join(', ')}`,
      );
      const members = Array.from({ length: POPULATION }, (_, m) => m);
      const pbtMean = mean(members.map((m) => finalAccuracy(clean, m)));
      const fixedMean = mean(members.map((m) => finalAccuracy(fixed, m)));
      assert.ok(pbtMean > fixedMean + 0.05, `mean final val_accuracy: PBT ${pbtMean}, fixed ${fixedMean}`);
      const pbtBest = Math.max(...members.map((m) => finalAccuracy(clean, m)));
      const fixedBest = Math.max(...members.map((m) => finalAccuracy(fixed, m)));
      assert.ok(pbtBest >= fixedBest - 0.01, `best final val_accuracy: PBT ${pbtBest}, fixed ${fixedBest}`);
      // The best members are shown with the rates they ended with, and where their schedules are.
      const best = /│ 1 +│ (\d+) +│ COMPLETE │[^\n]*│ ([0-9.e-]+) +│\n/.exec(printed);
      assert.ok(best, printed);
      assert.equal(Number(best[2]).toPrecision(4), (rates[Number(best[1])]?.at(-1) as number).toPrecision(4), printed);
      assert.match(printed, /Population Based Training: each member's parameters when it ended; its schedule: sweeper show lr TRIAL/);
      // A member's result is its best epoch since it last copied a state, whose weights the test set saw.
      for (const repeat of Object.values(clean.repeats) as { best_epoch: number; test: string }[])
        assert.equal((JSON.parse(repeat.test) as { epoch: number }).epoch, repeat.best_epoch);
    },
  );

  test("each member's schedule is shown by `show` (text and JSON), the report and the dashboard", { timeout: 5 * 60_000 }, async () => {
    const exploit = clean.segments.find((s) => s.parent !== null);
    assert.ok(exploit);
    const member = exploit.trial;
    const text = await runCli(['show', 'lr', String(member), '--db', 'pbt.db'], { cwd: dir });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /schedule \(Population Based Training\):/);
    assert.match(
      text.stdout,
      new RegExp(
        `epochs ${exploit.from_epoch}-\\d+ +learning_rate [0-9.e-]+ +\\(from trial ${exploit.parent} after epoch ${exploit.from_epoch - 1}\\)`,
      ),
    );
    const json = await runCli(['show', 'lr', String(member), '--db', 'pbt.db', '--json'], { cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    const detail = JSON.parse(json.stdout) as TrialDetailJson;
    const store = SqliteTrialStore.open(join(dir, 'pbt.db'));
    try {
      const study = await store.getStudy('lr');
      const trial = await store.getTrial(study.id, member);
      const expected = memberSchedule(trial, await store.listSegments(study.id));
      assert.deepEqual(
        detail.schedule,
        expected.map((step) => ({
          from_epoch: step.fromEpoch,
          to_epoch: step.toEpoch ?? null,
          params: step.params,
          parent: step.parent ?? null,
        })),
      );
      assert.equal(detail.schedule[0]?.from_epoch, 1);
      assert.equal(detail.schedule.at(-1)?.to_epoch, EPOCHS);
      assert.ok(detail.schedule.some((step) => step.parent === exploit.parent && step.from_epoch === exploit.from_epoch));
      // The dashboard's trial page is show's JSON; its study page draws the report's charts.
      assert.deepEqual((await trialPageView(store, 'lr', member)).schedule, detail.schedule);
      const sections = (await studyChartsView(store, 'lr')).sections;
      const chart = sections.find((section) => section.id === 'pbt-schedule');
      assert.ok(chart && 'spec' in chart, 'the dashboard draws the schedules');
      const fixedStore = SqliteTrialStore.open(join(dir, 'fixed.db'));
      assert.equal(
        (await studyChartsView(fixedStore, 'fixed')).sections.some((section) => section.id === 'pbt-schedule'),
        false,
        'a study without PBT has no such chart',
      );
      await fixedStore.close();
    } finally {
      await store.close();
    }
    const report = await runCli(['report', 'lr', '--db', 'pbt.db', '-o', 'pbt.html'], { cwd: dir });
    assert.equal(report.code, 0, report.stderr);
    const html = readFileSync(join(dir, 'pbt.html'), 'utf8');
    const specs = JSON.parse(/<script type="application\/json" id="report-specs">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as Record<
      string,
      { data: { values: { member: string; epoch: number; value: number; from: string | null }[] } }
    >;
    const schedule = specs['pbt-schedule'];
    assert.ok(schedule, 'the report has the schedules');
    const dots = schedule.data.values.filter((row) => row.from !== null);
    assert.equal(dots.length, clean.segments.filter((s) => s.parent !== null).length, 'a dot for every exploit');
    const warnings: string[] = [];
    const logger = {
      level: () => logger,
      info: () => logger,
      debug: () => logger,
      warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
      error: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
    };
    assert.ok(compile(schedule as never, { logger: logger }).spec);
    assert.deepEqual(warnings, [], 'the chart compiles without warnings');
  });

  test(
    '`sweeper run` SIGKILLed after a decision point, then `sweeper resume`: the same decisions and every metric bit-identical',
    { timeout: 10 * 60_000 },
    async (t) => {
      const db = join(dir, 'killed.db');
      const { child, done } = startCli(['run', 'pbt.yaml', '--db', 'killed.db', '--threads', '2', '--no-progress'], { cwd: dir });
      await until(() => segmentCount(db) >= POPULATION || undefined, {
        what: 'the first decision point',
        signal: t.signal,
        intervalMs: 10,
        check: () =>
          assert.ok(
            readSafely(db).every((state) => state !== 'COMPLETE'),
            'the sweep ended before the kill',
          ),
      });
      child.kill('SIGKILL');
      await done;
      const atKill = segmentCount(db);
      assert.ok(atKill < 3 * POPULATION, `killed with ${atKill} segments recorded: the sweep was nearly over`);
      const resumed = await runCli(['resume', 'lr', '--db', 'killed.db', '--log-file', 'resume.log'], { cwd: dir });
      assert.equal(resumed.code, 0, resumed.stderr);
      const log = readFileSync(join(dir, 'resume.log'), 'utf8');
      assert.match(log, /"msg":"repeat goes on from its checkpoint"/);
      assert.deepEqual(readPbtStored(db, 'lr'), clean);
    },
  );
});

/** The trials' states, or none while the store is being made. */
function readSafely(db: string): string[] {
  try {
    return readTrials(db, 'lr').map((trial) => trial.state);
  } catch {
    return [];
  }
}
