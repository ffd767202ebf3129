import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { checkCluster, readStatus, waitForStudies } from '../helpers/coordinator-status.js';
import { freePort } from '../helpers/free-port.js';
import { blockCommands, sectionBlocks, tableCells } from '../helpers/markdown.js';
import { shortenSweep, SWEEPS_DIR } from '../helpers/shortened-sweep.js';
import { SweeperProcess } from '../helpers/sweeper-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/**
 * README.md's "A cluster" (one machine, over loopback) and docs/cluster.md's "Across machines, with a
 * token and TLS", run from the pages' own text: their commands are read from their code blocks,
 * and run through bin/sweeper.js in a folder holding the quick start file as
 * sweeps/quickstart.yaml, shortened to 3 trials of 1 epoch, its test split of 1,000 digits kept
 * (the path on which a worker's end-of-run report carries a test evaluation). Only what a test
 * must change is changed: addresses become 127.0.0.1 and a free port, a worker gets 1 thread.
 */
const TRIALS = 3;
const dir = tempDir('sweeper-e2e-cluster-');
shortenSweep(join(SWEEPS_DIR, 'quickstart.yaml'), join(dir, 'sweeps'), { trials: TRIALS, epochs: 1 });
shortenSweep(join(SWEEPS_DIR, 'synthetic.yaml'), join(dir, 'sweeps'), { trials: 4, epochs: 1 });

async function ok(...args: string[]): Promise<string> {
  const result = await runCli(args, { cwd: dir });
  assert.equal(result.code, 0, `sweeper ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The commands of the ```sh block under `section` of `page` that contains `marker`, as argument lists after `sweeper`, with `substitutions` made. */
function clusterBlock(
  page: string,
  section: string,
  marker: string,
  substitutions: readonly [RegExp, string][],
): { sweeper: string[][]; shell: string[] } {
  const block = sectionBlocks(page, section, 'sh').find((b) => b.text.includes(marker));
  assert.ok(block, `${page} has a block with ${marker} under "${section}"`);
  const substituted = blockCommands(block).map((command) => substitutions.reduce((text, [from, to]) => text.replace(from, to), command));
  return {
    sweeper: substituted.filter((c) => c.startsWith('sweeper ')).map((c) => c.split(' ').slice(1)),
    shell: substituted.filter((c) => !c.startsWith('sweeper ')),
  };
}

/** The rows of the box-drawn tables in `text` that have `width` cells and start with `first`. */
function tableRows(text: string, first: string, width: number): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map(tableCells)
    .filter((cells) => cells.length === width && cells[0] === first);
}

interface TrialJson {
  number: number;
  state: string;
  attempt: number;
  worker: string;
  test_accuracy: number | null;
}

/** `best`, `trials`, `show` and `report` on the coordinator's store: the budget's trials COMPLETE, each with its test accuracy. */
async function queryStore(db: string, workers: number): Promise<string> {
  const best = await ok('best', 'quickstart', '--db', db);
  assert.match(best, new RegExp(`^best ${TRIALS} of study quickstart by val_accuracy \\(maximize\\):\\n`));
  assert.match(best, /│ test accuracy │/);
  const trials = (JSON.parse(await ok('trials', 'quickstart', '--db', db, '--json')) as { trials: TrialJson[] }).trials;
  assert.deepEqual(
    trials.map((tr) => [tr.number, tr.state, tr.attempt]),
    [
      [0, 'COMPLETE', 1],
      [1, 'COMPLETE', 1],
      [2, 'COMPLETE', 1],
    ],
  );
  assert.ok(
    trials.every((tr) => typeof tr.test_accuracy === 'number'),
    'each trial has its test accuracy',
  );
  assert.equal(new Set(trials.map((tr) => tr.worker)).size, workers, 'every worker ran trials');
  const shown = JSON.parse(await ok('show', 'quickstart', '0', '--db', db, '--json')) as {
    repeats: { test: { confusion: number[][] } | null }[];
  };
  assert.equal(
    shown.repeats[0]?.test?.confusion.flat().reduce((a, b) => a + b, 0),
    1000,
    'evaluated on the 1,000 test digits',
  );
  assert.match(await ok('show', 'quickstart', '0', '--db', db), /\ntest evaluation \(weights of epoch 1\): accuracy \d\.\d{4}/);
  assert.match(
    await ok('report', 'quickstart', '-o', 'quickstart.html', '--db', db),
    /^wrote the report of study quickstart to quickstart\.html/,
  );
  assert.match(readFileSync(join(dir, 'quickstart.html'), 'utf8'), /[Cc]onfusion matrix/);
  return best;
}

describe('README.md "A cluster" and docs/cluster.md', () => {
  test(
    'on one machine, over loopback: a coordinator, two workers, the quick start submitted and followed with status, best on its store',
    { timeout: 5 * 60_000 },
    async (t) => {
      const address = `127.0.0.1:${await freePort()}`;
      const { sweeper: commands } = clusterBlock('README.md', 'A cluster', '--listen 127.0.0.1:', [[/127\.0\.0\.1:7400/g, address]]);
      assert.deepEqual(
        commands.map((args) => args[0]),
        ['coordinator', 'worker', 'worker', 'submit', 'status', 'best'],
        'the block README.md shows',
      );
      const [coordinatorArgs, ...rest] = commands as [string[], ...string[][]];
      const db = coordinatorArgs[coordinatorArgs.indexOf('--db') + 1] ?? assert.fail('the coordinator has --db');
      const coordinator = new SweeperProcess('coordinator', coordinatorArgs, { cwd: dir });
      t.after(() => coordinator.kill());
      await coordinator.waitForOutput(new RegExp(`^coordinator listening on ${address} \\(store ${db}\\)$`, 'm'), t.signal);
      const workers = rest
        .filter((args) => args[0] === 'worker')
        .map((args, i) => new SweeperProcess(`worker ${i + 1}`, args, { cwd: dir }));
      t.after(() => workers.forEach((w) => w.kill()));
      for (const worker of workers)
        await worker.waitForOutput(new RegExp(`^worker \\S+ with 1 thread, coordinator ${address}$`, 'm'), t.signal);
      const check = (): void => checkCluster(coordinator, workers);
      // Both workers registered before the submit, so that the first two trials go one to each.
      await until(async () => (await readStatus(['--coordinator', address], dir)).workers.length === 2, {
        what: 'both workers to register',
        signal: t.signal,
        check,
      });

      const [submit, status, best] = rest.filter((args) => args[0] !== 'worker') as [string[], string[], string[]];
      assert.equal(await ok(...submit), `submitted study quickstart (${TRIALS} trials) to ${address}\n`);

      // `status` until the study is finished.
      const seen: string[] = [];
      await until(
        async () => {
          const text = await ok(...status);
          seen.push(text);
          const [study] = tableRows(text, 'quickstart', 9);
          return study?.[2] === `${TRIALS}/${TRIALS}` && study[3] === '0' && study[4] === '0';
        },
        { what: `the ${TRIALS} trials of quickstart to finish`, signal: t.signal, intervalMs: 0, check },
      );
      for (const text of seen) {
        assert.match(text, new RegExp(`^coordinator ${address} \\(protocol \\d+\\): 2 workers, [0-2]/2 threads busy\\n`));
        assert.deepEqual(tableRows(text, 'worker', 6), [['worker', 'host:pid', 'threads', 'busy', 'state', 'last heard']]);
        assert.deepEqual(tableRows(text, 'study', 9), [
          ['study', 'state', 'finished', 'running', 'queued', 'complete', 'pruned', 'failed', 'best'],
        ]);
      }
      const running = seen.flatMap((text) => tableRows(text, 'quickstart', 7));
      assert.ok(running.length > 0, `status showed a running trial at least once:\n${seen.join('\n')}`);
      for (const [, trial, attempt, repeat, worker, epoch, time] of running) {
        assert.ok(
          Number(trial) < TRIALS && attempt === '1' && repeat === '0' && /^\S+$/.test(worker ?? '') && Number(epoch) <= 1,
          `a run: ${running.join(' | ')}`,
        );
        assert.match(time ?? '', /^\d+\.\ds$/);
      }
      assert.match(tableRows(seen.at(-1) ?? '', 'quickstart', 9)[0]?.[8] ?? '', /^0\.\d{4}$/, 'the best value');
      const statusJson = await readStatus(['--coordinator', address], dir);
      assert.deepEqual(
        statusJson.workers.map((w) => [w.threads, w.connected, w.draining]),
        [
          [1, true, false],
          [1, true, false],
        ],
      );
      assert.deepEqual(statusJson.runs, []);
      assert.deepEqual(
        statusJson.studies.map((s) => [s.name, s.budget, s.counts]),
        [['quickstart', TRIALS, { QUEUED: 0, RUNNING: 0, COMPLETE: TRIALS, PRUNED: 0, FAILED: 0 }]],
      );

      // `best` on the coordinator's store (and trials, show, report), while the coordinator runs.
      const bestText = await ok(...best);
      assert.equal(await queryStore(db, 2), bestText);

      // SIGTERM drains a worker; Ctrl-C drains the coordinator: each exits 0.
      for (const worker of workers) {
        const stopped = await worker.stop('SIGTERM');
        assert.equal(stopped.code, 0, worker.tail());
        assert.match(stopped.stdout, /\nworker stopped\n$/);
      }
      const stopped = await coordinator.stop('SIGINT');
      assert.equal(stopped.code, 0, coordinator.tail());
      assert.match(stopped.stderr, /SIGINT: draining/);
      assert.match(stopped.stdout, /\ncoordinator stopped\n$/);
      // The store after the coordinator stopped: the same answers.
      assert.equal(await queryStore(db, 2), bestText);
    },
  );

  test(
    'across machines, with a token and TLS: the openssl recipe, the coordinator, a worker, submit and status',
    { timeout: 5 * 60_000 },
    async (t) => {
      const address = `127.0.0.1:${await freePort()}`;
      // The machine 10.0.0.5 of docs/cluster.md is this one; its coordinator listens on 0.0.0.0 (the token allows it), a test on loopback.
      const { sweeper: commands, shell } = clusterBlock('docs/cluster.md', 'Across machines, with a token and TLS', 'openssl rand', [
        [/10\.0\.0\.5:7400|0\.0\.0\.0:7400/g, address],
        [/IP:10\.0\.0\.5/, 'IP:127.0.0.1'],
        [/--threads 8/, '--threads 1'],
      ]);
      assert.deepEqual(
        commands.map((args) => args[0]),
        ['coordinator', 'worker', 'submit', 'status'],
        'the block docs/cluster.md shows',
      );
      // "once: a CA, the coordinator's certificate (for its address), and a token"
      assert.equal(shell.length, 5, shell.join('\n'));
      for (const command of shell) execFileSync('sh', ['-c', command], { cwd: dir, stdio: 'pipe' });

      const [coordinatorArgs, workerArgs, submit, status] = commands as [string[], string[], string[], string[]];
      const db = coordinatorArgs[coordinatorArgs.indexOf('--db') + 1] ?? assert.fail('the coordinator has --db');
      const coordinator = new SweeperProcess('coordinator', coordinatorArgs, { cwd: dir });
      t.after(() => coordinator.kill());
      await coordinator.waitForOutput(new RegExp(`^coordinator listening on ${address} `, 'm'), t.signal);
      const worker = new SweeperProcess('worker', workerArgs, { cwd: dir });
      t.after(() => worker.kill());
      await worker.waitForOutput(/^worker \S+ with 1 thread,/m, t.signal);

      // Without the token and the CA, nothing is served.
      const plain = await runCli(['status', '--coordinator', address], { cwd: dir });
      assert.equal(plain.code, 1, plain.stderr);
      const connection = status.slice(1);
      assert.equal(await ok(...submit), `submitted study quickstart (${TRIALS} trials) to ${address}\n`);
      await waitForStudies(connection, ['quickstart'], { signal: t.signal, coordinator, workers: [worker], cwd: dir });
      assert.match(await ok(...status), new RegExp(`^coordinator ${address} \\(protocol \\d+\\): 1 worker, 0/1 thread busy\\n`));
      await queryStore(db, 1);

      // The `sweeper submit sweeps/synthetic.yaml --study synthetic-2 --json` of docs/cli.md, with this coordinator's connection options.
      assert.deepEqual(JSON.parse(await ok('submit', 'sweeps/synthetic.yaml', '--study', 'synthetic-2', '--json', ...connection)), {
        study: 'synthetic-2',
        budget: 4,
        coordinator: address,
      });
      await waitForStudies(connection, ['synthetic-2'], { signal: t.signal, coordinator, workers: [worker], cwd: dir });
      // The `sweeper status --json` of docs/cli.md, with this coordinator's connection options.
      const statusJson = JSON.parse(await ok('status', '--json', ...connection)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(statusJson), ['protocol_version', 'workers', 'runs', 'studies']);

      assert.equal((await worker.stop('SIGTERM')).code, 0, worker.tail());
      assert.equal((await coordinator.stop('SIGTERM')).code, 0, coordinator.tail());
    },
  );
});

/** The keys of a JSON document, and of the first element of each of its arrays: what a script reading it relies on. */
function shape(value: unknown): Record<string, string[]> {
  const document = value as Record<string, unknown>;
  const keys: Record<string, string[]> = { '': Object.keys(document) };
  for (const [key, field] of Object.entries(document)) {
    if (Array.isArray(field) && typeof field[0] === 'object' && field[0] !== null) keys[key] = Object.keys(field[0] as object);
  }
  return keys;
}

describe('docs/cli.md "sweeper coordinator": --dashboard HOST:PORT', () => {
  test(
    'serves the live dashboard beside the coordinator: the workers page, and /api/workers in the shape of status --json',
    { timeout: 2 * 60_000 },
    async (t) => {
      // The `sweeper coordinator --db runs.db --dashboard 127.0.0.1:7401` of docs/cli.md listens on 7400 and 7401: a test takes free ports.
      const address = `127.0.0.1:${await freePort()}`;
      const port = await freePort();
      const coordinator = new SweeperProcess(
        'coordinator',
        ['coordinator', '--db', 'dashboard.db', '--listen', address, '--dashboard', `127.0.0.1:${port}`],
        { cwd: dir },
      );
      t.after(() => coordinator.kill());
      await coordinator.waitForOutput(new RegExp(`^dashboard on http://127\\.0\\.0\\.1:${port}/$`, 'm'), t.signal);
      const worker = new SweeperProcess('worker', ['worker', '--coordinator', address, '--threads', '1'], { cwd: dir });
      t.after(() => worker.kill());
      assert.match(await ok('submit', 'sweeps/synthetic.yaml', '--coordinator', address), /^submitted study synthetic /);
      await waitForStudies(['--coordinator', address], ['synthetic'], { signal: t.signal, coordinator, workers: [worker], cwd: dir });

      const page = await fetch(`http://127.0.0.1:${port}/workers`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      // "The API is there for scripts too, in the shapes of --json (...; workers as `status --json`)"
      const api: unknown = await (await fetch(`http://127.0.0.1:${port}/api/workers`)).json();
      assert.deepEqual(shape(api), shape(await readStatus(['--coordinator', address], dir)));

      assert.equal((await worker.stop('SIGTERM')).code, 0, worker.tail());
      const stopped = await coordinator.stop('SIGTERM');
      assert.equal(stopped.code, 0, coordinator.tail());
      assert.match(stopped.stdout, /\ncoordinator stopped\n$/);
    },
  );
});
