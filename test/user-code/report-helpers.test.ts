import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadSweepFile } from '../../src/config/load-sweep-file.js';
import { argvProblems, expandArgv } from '../../src/user-code/argv-template.js';
import { checkUserReport } from '../../src/user-code/user-report.js';
import { REPO } from '../helpers/markdown.js';
import { runWithReports, type HarnessRun } from '../helpers/report-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { pythonWithTorch } from '../helpers/python-torch.js';

const PYTHON_DIR = join(REPO, 'python');
const PYTHON = 'python3';

/** A NaN-tolerant parse of a report line, as Python writes it. */
function parseLine(line: string): Record<string, unknown> {
  return JSON.parse(line.replace(/\bNaN\b/g, '"NaN"')) as Record<string, unknown>;
}

function explain(run: HarnessRun): string {
  return `code ${run.code} signal ${run.signal}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** A Python script in a fresh folder, run under the harness with the helper on PYTHONPATH (as the executor sets it). */
async function runPython(body: string, options: Parameters<typeof runWithReports>[1] = {}): Promise<HarnessRun> {
  const dir = tempDir('sweeper-py-helper-');
  const script = join(dir, 'script.py');
  writeFileSync(script, body);
  return runWithReports([PYTHON, script], { ...options, env: { PYTHONPATH: PYTHON_DIR, ...options.env } });
}

describe('python/sweeper_report.py', () => {
  test('reports three epochs, converting .item() scalars, and reads a decision after each', async () => {
    const run = await runPython(`
import sweeper_report as s
class Scalar:
    def __init__(self, v): self.v = v
    def item(self): return self.v
for epoch in range(1, 4):
    assert s.report(epoch, val_accuracy=Scalar(0.5 + epoch / 10), val_loss=1.0 / epoch, steps=Scalar(epoch * 10)) == "continue"
    assert not s.should_stop()
s.report_final(test_accuracy=Scalar(0.77), test_loss=0.5, epoch=3)
print("done", flush=True)
`);
    assert.equal(run.code, 0, explain(run));
    assert.deepEqual(
      run.lines.map((line) => parseLine(line)),
      [
        { epoch: 1, val_accuracy: 0.6, val_loss: 1, steps: 10 },
        { epoch: 2, val_accuracy: 0.7, val_loss: 0.5, steps: 20 },
        { epoch: 3, val_accuracy: 0.8, val_loss: 1 / 3, steps: 30 },
        { final: { test_accuracy: 0.77, test_loss: 0.5, epoch: 3 } },
      ],
    );
    assert.deepEqual(run.decisions, ['continue', 'continue', 'continue']);
    assert.equal(run.stdout, 'done\n');
  });

  test('a stop raises Pruned, which the script may catch to exit 0; should_stop says so', async () => {
    const run = await runPython(
      `
import sys, sweeper_report as s
try:
    for epoch in range(1, 10):
        s.report(epoch, val_accuracy=0.5)
except s.Pruned:
    print("pruned at", epoch, s.should_stop(), flush=True)
    try:
        s.report(epoch + 1, val_accuracy=0.5)
    except s.Pruned:
        print("still pruned", flush=True)
    sys.exit(0)
`,
      { decisions: ['continue', 'continue', 'stop'] },
    );
    assert.equal(run.code, 0, explain(run));
    assert.equal(run.lines.length, 3, 'nothing is written after the stop');
    assert.equal(run.stdout, 'pruned at 3 True\nstill pruned\n');
  });

  test('an uncaught Pruned ends the program with its traceback', async () => {
    const run = await runPython(
      `
import sweeper_report as s
s.report(1, val_accuracy=0.5)
print("not reached")
`,
      { decisions: ['stop'] },
    );
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /sweeper_report\.Pruned: the coordinator stopped this run after epoch 1/);
    assert.equal(run.stdout, '');
  });

  test('a NaN is written as NaN, for the worker to fail the run with the reason', async () => {
    const run = await runPython(`
import sweeper_report as s
s.report(1, val_loss=float("nan"), val_accuracy=0.1)
`);
    assert.equal(run.code, 0, explain(run));
    assert.deepEqual(run.lines, ['{"epoch": 1, "val_loss": NaN, "val_accuracy": 0.1}']);
  });

  test('the run is described by params(), seed(), epochs(), trial() and repeat()', async () => {
    const run = await runPython(
      `
import json, sweeper_report as s
print(json.dumps([s.params(), s.seed(), s.epochs(), s.trial(), s.repeat(), s.attempt(), s.study()]))
`,
      { params: { lr: 0.01, optimizer: 'adam' }, env: { SWEEPER_EPOCHS: '5' } },
    );
    assert.equal(run.code, 0, explain(run));
    assert.deepEqual(JSON.parse(run.stdout), [{ lr: 0.01, optimizer: 'adam' }, 1234, 5, 7, 0, 1, 'harness']);
  });

  test('a metric that is not a number is refused in the script, naming it', async () => {
    const run = await runPython(`
import sweeper_report as s
s.report(1, val_accuracy="0.5")
`);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /TypeError: metric val_accuracy must be a number/);
    assert.deepEqual(run.lines, []);
  });

  test('run by hand, outside sweeper, it prints its lines and carries on', async () => {
    const run = await runPython(
      `
import sweeper_report as s
for epoch in (1, 2):
    assert s.report(epoch, val_accuracy=0.5) == "continue"
s.report_final(test_accuracy=0.5)
print(s.params(), s.seed(), s.epochs())
`,
      { byHand: true },
    );
    assert.equal(run.code, 0, explain(run));
    assert.equal(
      run.stdout,
      '{"epoch": 1, "val_accuracy": 0.5}\n{"epoch": 2, "val_accuracy": 0.5}\n{"final": {"test_accuracy": 0.5}}\n{} None None\n',
    );
  });

  test('python3 -m sweeper_report --path prints where the file is', () => {
    const result = spawnSync(PYTHON, ['-m', 'sweeper_report', '--path'], {
      env: { ...process.env, PYTHONPATH: PYTHON_DIR },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${join(PYTHON_DIR, 'sweeper_report.py')}\n`);
  });
});

/** A folder inside the package (gitignored test-output/), so that `sweeper/report` resolves to this package by self-reference. */
function programDir(): string {
  const parent = join(REPO, 'test-output');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'report-client-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function runJs(body: string, options: Parameters<typeof runWithReports>[1] = {}): Promise<HarnessRun> {
  const script = join(programDir(), 'program.mjs');
  writeFileSync(script, body);
  return runWithReports([process.execPath, script], options);
}

describe('sweeper/report (JavaScript)', () => {
  test('reports three epochs through the package export and resolves to each decision', async () => {
    const run = await runJs(`
import { report, reportFinal, shouldStop } from 'sweeper/report';
for (let epoch = 1; epoch <= 3; epoch++) {
  const decision = await report(epoch, { val_accuracy: 0.5 + epoch / 10, val_loss: 1 / epoch });
  if (decision !== 'continue' || shouldStop()) throw new Error('unexpected ' + decision);
}
reportFinal({ test_accuracy: 0.75, epoch: 3 });
console.log('done');
`);
    assert.equal(run.code, 0, explain(run));
    assert.deepEqual(
      run.lines.map((line) => parseLine(line)),
      [
        { epoch: 1, val_accuracy: 0.6, val_loss: 1 },
        { epoch: 2, val_accuracy: 0.7, val_loss: 0.5 },
        { epoch: 3, val_accuracy: 0.8, val_loss: 1 / 3 },
        { final: { test_accuracy: 0.75, epoch: 3 } },
      ],
    );
    assert.deepEqual(run.decisions, ['continue', 'continue', 'continue']);
    assert.equal(run.stdout, 'done\n');
  });

  test("a stop resolves to 'stop', and the program ends by itself once it returns", async () => {
    const run = await runJs(
      `
import { report, shouldStop } from 'sweeper/report';
let epoch = 1;
for (; epoch <= 10; epoch++) if ((await report(epoch, { val_accuracy: 0.5 })) === 'stop') break;
console.log('stopped at', epoch, shouldStop());
`,
      { decisions: ['continue', 'stop'] },
    );
    assert.equal(run.code, 0, explain(run));
    assert.equal(run.lines.length, 2);
    assert.equal(run.stdout, 'stopped at 2 true\n');
  });

  test('a NaN is written as NaN; params(), seed() and epochs() read the environment', async () => {
    const run = await runJs(
      `
import { epochs, params, report, seed } from 'sweeper/report';
console.log(JSON.stringify([params(), seed(), epochs()]));
await report(1, { val_loss: NaN, val_accuracy: 0.1 });
`,
      { params: { width: 64 }, env: { SWEEPER_EPOCHS: '3' } },
    );
    assert.equal(run.code, 0, explain(run));
    assert.deepEqual(run.lines, ['{"epoch": 1, "val_loss": NaN, "val_accuracy": 0.1}']);
    assert.deepEqual(JSON.parse(run.stdout), [{ width: 64 }, 1234, 3]);
  });

  test('imported by file URL from dist/ and run by hand, it prints its lines and resolves to continue', async () => {
    const url = new URL('../../src/user-code/report-client.js', import.meta.url).href;
    const run = await runJs(
      `
const { report, reportFinal } = await import(${JSON.stringify(url)});
console.log(await report(1, { val_accuracy: 0.5 }));
reportFinal({ test_loss: 0.25 });
`,
      { byHand: true },
    );
    assert.equal(run.code, 0, explain(run));
    assert.equal(run.stdout, '{"epoch": 1, "val_accuracy": 0.5}\ncontinue\n{"final": {"test_loss": 0.25}}\n');
  });
});

describe('examples/pytorch', () => {
  test('sweep.yaml is a valid sweep file: a command task whose templates name the space, --beta1 for Adam trials only', async () => {
    const { definition } = await loadSweepFile(join(REPO, 'examples/pytorch/sweep.yaml'));
    const task = definition.task;
    assert.ok(task?.type === 'command', JSON.stringify(task));
    assert.deepEqual(Object.keys(definition.space).sort(), ['beta1', 'hidden', 'lr', 'optimizer']);
    assert.deepEqual(argvProblems(task.argv, definition.space), []);
    assert.equal(task.cwd, join(REPO, 'examples/pytorch'));
    assert.equal(definition.objective.metric, 'val_accuracy');
    assert.equal(definition.budget.trials, 12);
    assert.deepEqual(expandArgv(task.argv, { lr: 0.01, hidden: 64, optimizer: 'sgd' }), [
      'python3',
      'train.py',
      '--lr',
      '0.01',
      '--hidden',
      '64',
      '--optimizer',
      'sgd',
    ]);
    assert.deepEqual(expandArgv(task.argv, { lr: 0.01, hidden: 64, optimizer: 'adam', beta1: 0.9 }).slice(-2), ['--beta1', '0.9']);
  });

  const torchPython = pythonWithTorch();
  // With CI set, a missing PyTorch is a failure (.ci/run installs python3-torch), never a skip.
  const skip = torchPython === undefined && !process.env.CI ? 'no python3 with PyTorch: apt-get install python3-torch' : false;
  test('train.py trains for real and reports two epochs through the helper', { skip }, async () => {
    assert.ok(torchPython, 'no python3 with PyTorch: .ci/run installs python3-torch');
    const run = await runWithReports(
      [
        torchPython,
        'train.py',
        '--epochs',
        '2',
        '--lr',
        '0.002',
        '--hidden',
        '64',
        '--optimizer',
        'adam',
        '--beta1',
        '0.9',
        '--train-size',
        '3000',
        '--test-size',
        '1000',
      ],
      { cwd: join(REPO, 'examples/pytorch'), env: { PYTHONPATH: PYTHON_DIR } },
    );
    assert.equal(run.code, 0, explain(run));
    const lines = run.lines.map((line) => parseLine(line));
    assert.equal(lines.length, 3, explain(run));
    for (const [index, line] of lines.slice(0, 2).entries()) {
      assert.equal(line.epoch, index + 1);
      assert.ok(typeof line.val_accuracy === 'number' && line.val_accuracy > 0.3 && line.val_accuracy <= 1, JSON.stringify(line));
      assert.ok(typeof line.val_loss === 'number' && Number.isFinite(line.val_loss), JSON.stringify(line));
      assert.ok(typeof line.train_loss === 'number' && Number.isFinite(line.train_loss), JSON.stringify(line));
      const { epoch, ...metrics } = line;
      assert.ok('report' in checkUserReport(epoch, metrics, index, 2), `the worker's check refuses ${JSON.stringify(line)}`);
    }
    const final = lines[2]?.final as Record<string, number> | undefined;
    assert.ok(final !== undefined && final.test_accuracy! > 0.3, JSON.stringify(lines[2]));
  });

  test('an SGD trial of sweep.yaml runs as the worker would start it, and stops when told, exiting 0', { skip }, async () => {
    assert.ok(torchPython, 'no python3 with PyTorch: .ci/run installs python3-torch');
    const { definition } = await loadSweepFile(join(REPO, 'examples/pytorch/sweep.yaml'));
    const task = definition.task;
    assert.ok(task?.type === 'command');
    const params = { lr: 0.05, hidden: 32, optimizer: 'sgd' };
    const [, ...args] = expandArgv(task.argv, params);
    const run = await runWithReports([torchPython, ...args, '--train-size', '1000', '--test-size', '200'], {
      cwd: task.cwd,
      params,
      env: { ...task.env, PYTHONPATH: PYTHON_DIR, SWEEPER_EPOCHS: String(task.epochs) },
      decisions: ['continue', 'stop'],
    });
    assert.equal(run.code, 0, explain(run));
    assert.equal(run.lines.length, 2, 'no final line after a stop');
    assert.match(run.stderr, /pruned after epoch 2/);
  });
});
