import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { EpochReport } from '../../src/core/run-report.js';
import type { EpochDecision, RunAssignment } from '../../src/execution/run-assignment.js';
import type { ModuleTask } from '../../src/user-code/module-task.js';
import { ModulePool } from '../../worker/module/module-pool.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('sweeper-module-');
// A short grace, so that the tests of modules that ignore their signal end quickly.
const pool = new ModulePool({ threads: 2, logger: silentLogger(), resolveFrom: dir, stopGraceMs: 300 });
after(() => pool.close());

let files = 0;
/** Writes a fixture module and returns its absolute path. */
function fixture(source: string): string {
  const path = join(dir, `fixture-${files++}.mjs`);
  writeFileSync(path, source);
  return path;
}

function assignment(module: string, task: Partial<ModuleTask> = {}, params: Record<string, string | number> = {}): RunAssignment {
  return {
    study: 'module-test',
    trialNumber: 7,
    attempt: 1,
    repeat: 1,
    seed: 42,
    params,
    task: { type: 'module', module, export: 'train', ...task },
    objective: { metric: 'val_accuracy', direction: 'maximize' },
  };
}

function collect(decide: (r: EpochReport) => EpochDecision = () => 'continue'): {
  reports: EpochReport[];
  listener: { onEpoch: (r: EpochReport) => EpochDecision };
} {
  const reports: EpochReport[] = [];
  return { reports, listener: { onEpoch: (r) => (reports.push(r), decide(r)) } };
}

const running = (): AbortSignal => new AbortController().signal;

describe('ModulePool', () => {
  test('runs train(params, context): epochs, an extra metric and the context reach the listener', async () => {
    const out = join(dir, 'context.json');
    const module = fixture(`
      import { writeFileSync } from 'node:fs';
      export async function train(params, context) {
        const { report, signal, ...fields } = context;
        writeFileSync(params.out, JSON.stringify({ params, fields, aborted: signal.aborted }));
        for (let epoch = 1; epoch <= context.epochs; epoch++) {
          const decision = await report(epoch, { val_accuracy: 0.5 + epoch / 10, val_loss: 1 / epoch, my_metric: epoch * 2 });
          if (decision !== 'continue') throw new Error('decision ' + decision);
        }
      }`);
    const { reports, listener } = collect();
    const outcome = await pool.run(assignment(module, { epochs: 3 }, { out, lr: 0.1 }), listener, running());
    assert.equal(outcome.status, 'finished');
    assert.equal(outcome.status === 'finished' && outcome.epochs, 3);
    assert.deepEqual(
      reports.map((r) => r.epoch),
      [1, 2, 3],
    );
    assert.equal(reports[2]?.metrics.valAccuracy, 0.8);
    assert.equal(reports[1]?.metrics.valLoss, 0.5);
    assert.deepEqual(reports[2]?.metrics.extra, { my_metric: 6 });
    const seen = JSON.parse(readFileSync(out, 'utf8')) as unknown;
    assert.deepEqual(seen, {
      params: { out, lr: 0.1 },
      fields: { seed: 42, repeat: 1, trial: 7, study: 'module-test', epochs: 3 },
      aborted: false,
    });
  });

  test("the listener's stop resolves report() with 'stop', aborts the signal and ends the run as stopped", async () => {
    const out = join(dir, 'stop.json');
    const module = fixture(`
      import { writeFileSync } from 'node:fs';
      export async function train(params, context) {
        const decision = await context.report(1, { val_accuracy: 0.5 });
        await new Promise((resolve) => (context.signal.aborted ? resolve() : context.signal.addEventListener('abort', resolve)));
        writeFileSync(params.out, JSON.stringify({ decision, aborted: context.signal.aborted }));
      }`);
    const { reports, listener } = collect(() => 'stop');
    const outcome = await pool.run(assignment(module, {}, { out }), listener, running());
    assert.equal(outcome.status, 'stopped');
    assert.equal(outcome.status === 'stopped' && outcome.epochs, 1);
    assert.equal(reports.length, 1);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { decision: 'stop', aborted: true });
  });

  test('a module that ignores its signal in a busy loop has its thread terminated; the pool goes on', async () => {
    const module = fixture(`
      export async function train(params, context) {
        await context.report(1, { val_accuracy: 0.5 });
        while (true) {}
      }`);
    const { listener } = collect(() => 'stop');
    const outcome = await pool.run(assignment(module), listener, running());
    assert.equal(outcome.status, 'stopped');
    const next = fixture(`export async function train(params, context) { await context.report(1, { val_accuracy: 0.9 }); }`);
    const after = await pool.run(assignment(next), collect().listener, running());
    assert.equal(after.status, 'finished');
  });

  test("the caller's signal stops a module that waits on context.signal", async () => {
    const module = fixture(`
      export async function train(params, context) {
        await context.report(1, { val_accuracy: 0.5 });
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      }`);
    const stop = new AbortController();
    const outcome = await pool.run(assignment(module), { onEpoch: () => (stop.abort(), 'continue') }, stop.signal);
    assert.equal(outcome.status, 'stopped');
  });

  test('an error thrown fails the run with its message and stack', async () => {
    const module = fixture(`export async function train() { throw new Error('out of patience'); }`);
    const outcome = await pool.run(assignment(module), collect().listener, running());
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.status === 'error' && outcome.message, 'out of patience');
    assert.match(outcome.log ?? '', /fixture-\d+\.mjs/);
  });

  test('a missing module fails the run naming its path', async () => {
    const missing = join(dir, 'nowhere.mjs');
    const outcome = await pool.run(assignment(missing), collect().listener, running());
    assert.equal(outcome.status, 'error');
    assert.ok(outcome.status === 'error' && outcome.message.includes(missing), outcome.status === 'error' ? outcome.message : '');
  });

  test('a module without the export fails the run, listing what it exports', async () => {
    const module = fixture(`export function foo() {}\nexport const bar = 1;`);
    const outcome = await pool.run(assignment(module), collect().listener, running());
    assert.deepEqual(outcome, { status: 'error', message: `module ${module} must export a function train, but exports: bar, foo` });
  });

  test('a NaN metric rejects report() and fails the run even if the module catches it', async () => {
    const out = join(dir, 'nan.json');
    const module = fixture(`
      import { writeFileSync } from 'node:fs';
      export async function train(params, context) {
        try {
          await context.report(1, { val_loss: NaN });
        } catch (error) {
          writeFileSync(params.out, JSON.stringify(error.message));
        }
      }`);
    const { reports, listener } = collect();
    const outcome = await pool.run(assignment(module, {}, { out }), listener, running());
    assert.deepEqual(outcome, { status: 'error', message: 'val_loss is NaN at epoch 1' });
    assert.equal(reports.length, 0);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')), 'val_loss is NaN at epoch 1');
  });

  test('an epoch reported twice fails the run', async () => {
    const module = fixture(`
      export async function train(params, context) {
        await context.report(1, { val_accuracy: 0.5 });
        await context.report(1, { val_accuracy: 0.6 });
      }`);
    const { reports, listener } = collect();
    const outcome = await pool.run(assignment(module), listener, running());
    assert.deepEqual(outcome, { status: 'error', message: 'epoch 1 was reported twice' });
    assert.equal(reports.length, 1);
  });

  test('a module that returns without an epoch fails the run', async () => {
    const module = fixture(`export async function train() {}`);
    const outcome = await pool.run(assignment(module), collect().listener, running());
    assert.deepEqual(outcome, { status: 'error', message: 'train returned without reporting an epoch' });
  });

  test('a package name is resolved from the folder the pool resolves from', async () => {
    const pkg = join(dir, 'node_modules', 'my-trainer');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'my-trainer', type: 'module', exports: './main.js' }));
    writeFileSync(
      join(pkg, 'main.js'),
      `export async function fit(params, context) { await context.report(1, { val_accuracy: params.x }); }`,
    );
    const { reports, listener } = collect();
    const outcome = await pool.run(assignment('my-trainer', { export: 'fit' }, { x: 0.25 }), listener, running());
    assert.equal(outcome.status, 'finished');
    assert.equal(reports[0]?.metrics.valAccuracy, 0.25);
    const missing = await pool.run(assignment('not-installed-trainer'), collect().listener, running());
    assert.equal(missing.status, 'error');
    assert.match(missing.status === 'error' ? missing.message : '', /^module not-installed-trainer must be a package installed under /);
  });

  test('a module that calls process.exit fails its run; the pool goes on', async () => {
    const module = fixture(
      `export async function train(params, context) { await context.report(1, { val_accuracy: 0.5 }); process.exit(1); }`,
    );
    const outcome = await pool.run(assignment(module), collect().listener, running());
    assert.equal(outcome.status, 'error');
    assert.match(outcome.status === 'error' ? outcome.message : '', /^the module's thread failed: /);
    const next = fixture(`export async function train(params, context) { await context.report(1, { val_accuracy: 0.9 }); }`);
    assert.equal((await pool.run(assignment(next), collect().listener, running())).status, 'finished');
  });

  test('an uncaught exception in a timer fails the run', async () => {
    const module = fixture(`
      export async function train(params, context) {
        setTimeout(() => { throw new Error('late failure'); }, 0);
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      }`);
    const outcome = await pool.run(assignment(module), collect().listener, running());
    assert.equal(outcome.status, 'error');
    assert.match(outcome.status === 'error' ? outcome.message : '', /late failure/);
  });

  test('an unhandled rejection fails the run', async () => {
    const module = fixture(`
      export async function train(params, context) {
        void Promise.reject(new Error('nobody awaited this'));
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      }`);
    const outcome = await pool.run(assignment(module), collect().listener, running());
    assert.equal(outcome.status, 'error');
    assert.match(outcome.status === 'error' ? outcome.message : '', /nobody awaited this/);
  });

  test('bad options are refused with the option named', () => {
    assert.throws(() => new ModulePool({ threads: 0, logger: silentLogger() }), {
      name: 'TypeError',
      message: 'options.threads must be a positive integer, but got 0',
    });
    assert.throws(() => new ModulePool({ threads: 1, logger: silentLogger(), stopGraceMs: -1 }), {
      name: 'TypeError',
      message: 'options.stopGraceMs must be a non-negative number, but got -1',
    });
  });

  test('a task of another type is refused', async () => {
    const outcome = await pool.run(
      { ...assignment('unused'), task: { type: 'synthetic', epochs: 1, epochSeconds: 0, noise: 0, optimum: {}, scales: {} } },
      collect().listener,
      running(),
    );
    assert.deepEqual(outcome, { status: 'error', message: 'a module pool runs module tasks only, but got a synthetic task' });
  });

  test('a run beyond its timeout is aborted and fails', async () => {
    const module = fixture(`
      export async function train(params, context) {
        await context.report(1, { val_accuracy: 0.5 });
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      }`);
    const outcome = await pool.run(assignment(module, { timeoutSeconds: 0.2 }), collect().listener, running());
    assert.deepEqual(outcome, { status: 'error', message: 'timed out after 0.2 s' });
  });

  test("the timeout counts from train's call: a module whose import takes longer than the timeout still finishes", async () => {
    // The import (once per thread) sleeps 1.5 s; the run's timeout is 1 s; train itself is quick.
    const module = fixture(`
      await new Promise((resolve) => setTimeout(resolve, 1500));
      export async function train(params, context) {
        await context.report(1, { val_accuracy: 0.5 });
      }`);
    const outcome = await pool.run(assignment(module, { timeoutSeconds: 1 }), collect().listener, running());
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
  });
});
