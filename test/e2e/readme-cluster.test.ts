import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli-process.js';
import { checkCluster, readStatus, waitForStudies } from '../helpers/coordinator-status.js';
import { freePort } from '../helpers/free-port.js';
import { readmeCommands, tableCells } from '../helpers/readme.js';
import { shortenSweep, SWEEPS_DIR } from '../helpers/shortened-sweep.js';
import { SweeperProcess } from '../helpers/sweeper-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

/**
 * The README's "A cluster" section on loopback, command for command: its openssl recipe for a CA,
 * the coordinator's certificate and a token; a TLS coordinator with the token; two workers; the
 * quick start submitted from "anywhere" and followed with `sweeper status`; then `best`, `show`
 * and `report` on the coordinator's store, while it runs and after it stops. The README's address
 * 10.0.0.5:7400 becomes 127.0.0.1 and a free port, its 8 threads a worker 1 (two workers share 2
 * cores), and the quick start is shortened to 3 trials of 1 epoch, its test split of 1,000 digits
 * kept: the path on which a worker's end-of-run report carries a test evaluation.
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

interface TrialJson {
  number: number;
  state: string;
  attempt: number;
  worker: string;
  test_accuracy: number | null;
}

/** The rows of the box-drawn tables in `text` that have `width` cells and start with `first`. */
function tableRows(text: string, first: string, width: number): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map(tableCells)
    .filter((cells) => cells.length === width && cells[0] === first);
}

describe('README "A cluster": a CA, a token, a TLS coordinator, two workers, submit and status', () => {
  test('the quick start runs on two workers to its budget, with test accuracy; everything stops cleanly', { timeout: 5 * 60_000 }, async (t) => {
    // "once: a CA, the coordinator's certificate (for its address), and a token", as the README writes it.
    const recipe = readmeCommands().filter((c) => c.section === 'A cluster' && /^(openssl|printf) /.test(c.command));
    assert.equal(recipe.length, 5, recipe.map((c) => c.command).join('\n'));
    for (const { command } of recipe) execFileSync('sh', ['-c', command.replaceAll('10.0.0.5', '127.0.0.1')], { cwd: dir, stdio: 'pipe' });

    const address = `127.0.0.1:${await freePort()}`;
    const connection = ['--coordinator', address, '--token-file', 'token', '--tls-ca', 'ca.pem'];
    // The README's coordinator listens on 0.0.0.0 (the token makes that allowed); a test stays on loopback.
    const coordinator = new SweeperProcess('coordinator', ['coordinator', '--db', 'c.db', '--listen', address, '--token-file', 'token', '--tls-cert', 'coordinator.pem', '--tls-key', 'coordinator.key'], { cwd: dir });
    const workers = [1, 2].map((n) => new SweeperProcess(`worker ${n}`, ['worker', ...connection, '--threads', '1'], { cwd: dir }));
    t.after(() => [coordinator, ...workers].forEach((p) => p.kill()));
    await coordinator.waitForOutput(new RegExp(`^coordinator listening on ${address} \\(store c\\.db\\)$`, 'm'), t.signal);
    for (const worker of workers) await worker.waitForOutput(new RegExp(`^worker \\S+ with 1 threads, coordinator ${address}$`, 'm'), t.signal);
    const check = (): void => checkCluster(coordinator, workers);
    await until(async () => (await readStatus(connection, dir)).workers.length === 2, { what: 'both workers to register', signal: t.signal, check });

    // "from anywhere"
    assert.equal(await ok('submit', 'sweeps/quickstart.yaml', ...connection), `submitted study quickstart (${TRIALS} trials) to ${address}\n`);

    // Followed with `sweeper status` until the budget's trials are finished.
    const seen: string[] = [];
    await until(
      async () => {
        const text = await ok('status', ...connection);
        seen.push(text);
        const [study] = tableRows(text, 'quickstart', 9);
        return study?.[2] === `${TRIALS}/${TRIALS}` && study[3] === '0' && study[4] === '0';
      },
      { what: `the ${TRIALS} trials of quickstart to finish`, signal: t.signal, intervalMs: 0, check },
    );
    for (const text of seen) {
      assert.match(text, new RegExp(`^coordinator ${address} \\(protocol 1\\): 2 workers, [0-2]/2 threads busy\\n`));
      assert.deepEqual(tableRows(text, 'worker', 6), [['worker', 'host:pid', 'threads', 'busy', 'state', 'last heard']]);
      assert.deepEqual(tableRows(text, 'study', 9), [['study', 'state', 'finished', 'running', 'queued', 'complete', 'pruned', 'failed', 'best']]);
    }
    const running = seen.flatMap((text) => tableRows(text, 'quickstart', 7));
    assert.ok(running.length > 0, `status showed a running trial at least once:\n${seen.join('\n')}`);
    for (const [, trial, attempt, repeat, worker, epoch, time] of running) {
      assert.ok(Number(trial) < TRIALS && attempt === '1' && repeat === '0' && /^\S+$/.test(worker ?? '') && Number(epoch) <= 1, `a run: ${running.join(' | ')}`);
      assert.match(time ?? '', /^\d+\.\ds$/);
    }
    const last = seen.at(-1) ?? '';
    assert.match(tableRows(last, 'quickstart', 9)[0]?.[8] ?? '', /^0\.\d{4}$/, 'the best value');

    const status = await readStatus(connection, dir);
    assert.deepEqual(Object.keys(status), ['protocol_version', 'workers', 'runs', 'studies']);
    assert.deepEqual(status.workers.map((w) => [w.threads, w.connected, w.draining]), [[1, true, false], [1, true, false]]);
    assert.deepEqual(status.runs, []);
    assert.deepEqual(status.studies.map((s) => [s.name, s.budget, s.counts]), [['quickstart', TRIALS, { QUEUED: 0, RUNNING: 0, COMPLETE: TRIALS, PRUNED: 0, FAILED: 0 }]]);

    // "query it with best/trials on the coordinator's store", while the coordinator still runs.
    const queries = async (): Promise<string> => {
      const best = await ok('best', 'quickstart', '--db', 'c.db');
      assert.match(best, new RegExp(`^best ${TRIALS} of study quickstart by val_accuracy \\(maximize\\):\\n`));
      assert.match(best, /│ test accuracy │/);
      const trials = (JSON.parse(await ok('trials', 'quickstart', '--db', 'c.db', '--json')) as { trials: TrialJson[] }).trials;
      assert.deepEqual(trials.map((tr) => [tr.number, tr.state, tr.attempt]), [[0, 'COMPLETE', 1], [1, 'COMPLETE', 1], [2, 'COMPLETE', 1]]);
      assert.ok(trials.every((tr) => typeof tr.test_accuracy === 'number'), 'each trial has its test accuracy');
      assert.equal(new Set(trials.map((tr) => tr.worker)).size, 2, 'both workers ran trials');
      const shown = JSON.parse(await ok('show', 'quickstart', '0', '--db', 'c.db', '--json')) as { repeats: { test: { confusion: number[][] } | null }[] };
      assert.equal(shown.repeats[0]?.test?.confusion.flat().reduce((a, b) => a + b, 0), 1000, 'evaluated on the 1,000 test digits');
      assert.match(await ok('show', 'quickstart', '0', '--db', 'c.db'), /\ntest evaluation \(weights of epoch 1\): accuracy \d\.\d{4}/);
      assert.match(await ok('report', 'quickstart', '-o', 'quickstart.html', '--db', 'c.db'), /^wrote the report of study quickstart to quickstart\.html/);
      assert.match(readFileSync(join(dir, 'quickstart.html'), 'utf8'), /[Cc]onfusion matrix/);
      return best;
    };
    const bestWhileRunning = await queries();

    // `npx sweeper submit sweeps/synthetic.yaml --study synthetic-2 --json`, on the same coordinator.
    assert.deepEqual(JSON.parse(await ok('submit', 'sweeps/synthetic.yaml', '--study', 'synthetic-2', '--json', ...connection)), { study: 'synthetic-2', budget: 4, coordinator: address });
    await waitForStudies(connection, ['synthetic-2'], { signal: t.signal, coordinator, workers, cwd: dir });

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
    assert.equal(await queries(), bestWhileRunning);
    const studies = (JSON.parse(await ok('studies', '--db', 'c.db', '--json')) as { studies: { name: string; counts: Record<string, number> }[] }).studies;
    assert.deepEqual(studies.map((s) => [s.name, s.counts.COMPLETE]), [['quickstart', TRIALS], ['synthetic-2', 4]]);
  });
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

describe('README "sweeper coordinator": --dashboard HOST:PORT', () => {
  test('serves the live dashboard beside the coordinator: the workers page, and /api/workers in the shape of status --json', { timeout: 2 * 60_000 }, async (t) => {
    // The README's `sweeper coordinator --db runs.db --dashboard 127.0.0.1:7401` listens on 7400 and 7401: a test takes free ports.
    const address = `127.0.0.1:${await freePort()}`;
    const port = await freePort();
    const coordinator = new SweeperProcess('coordinator', ['coordinator', '--db', 'runs.db', '--listen', address, '--dashboard', `127.0.0.1:${port}`], { cwd: dir });
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
  });
});
