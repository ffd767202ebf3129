import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeRun } from '../../src/execution/run-assignment.js';
import { NamespacedCli } from '../helpers/namespaced-cli.js';
import { NetworkLab, networkLabUnavailable } from '../helpers/network-lab.js';
import { readTrials, waitForTrials, type TrialRow } from '../helpers/poll-store.js';
import { tempDir } from '../helpers/temp-dir.js';

/*
 * A coordinator and two workers, each in its own network namespace, each worker joined to the
 * coordinator by its own veth pair. One worker's link is cut while it runs a trial, for longer
 * than the lease, then healed (see NetworkLab.cut for how). Needs root (CAP_SYS_ADMIN and
 * CAP_NET_ADMIN) and iproute2; skipped, saying why, where it cannot make namespaces.
 */

const dir = tempDir('sweeper-partition-');

const STUDY = 'partition';
/** Fixed: the coordinator's namespace is its own, nothing else listens there. */
const PORT = 7400;
const LEASE_SECONDS = 2;
/** How long the link stays cut: well past the lease, so the coordinator gives up on the worker. */
const CUT_MS = 5_000;
/** Enough that trials are left for the healed worker, which comes back a second or so after the heal. */
const BUDGET = 16;
const EPOCHS = 4;

const SWEEP = `
study: ${STUDY}
seed: 11
synthetic:
  epochs: ${EPOCHS}
  epoch_seconds: 0.5
space:
  learning_rate: { type: float, low: 1.0e-4, high: 1.0, log: true }
  width:         { type: int, low: 16, high: 256, log: true }
sampler:
  type: random
budget:
  trials: ${BUDGET}
objective:
  metric: val_loss
  direction: minimize
`;

interface StatusJson {
  workers: { id: string; host: string; pid: number; busy: number; connected: boolean }[];
  runs: { study: string; trial: number; attempt: number; worker: string | null; epoch: number }[];
  studies: { name: string; active: boolean; counts: Record<string, number> }[];
}

type Run = StatusJson['runs'][number];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isFinished = (trial: TrialRow): boolean => ['COMPLETE', 'PRUNED', 'FAILED'].includes(trial.state);

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

describe('network partition (network namespaces, real processes)', () => {
  test('a worker cut off mid-trial loses it to the other; healed, it abandons the stale run and works on', async (t) => {
    const unavailable = networkLabUnavailable();
    if (unavailable !== undefined) {
      t.skip(`needs network namespaces: ${unavailable}`);
      return;
    }
    const lab = new NetworkLab(`sweeper-${process.pid}`);
    const processes: NamespacedCli[] = [];
    let observing = true;
    t.after(() => {
      observing = false;
      for (const child of processes) child.kill();
      lab.destroy();
    });

    const coordinatorNs = lab.addNamespace('coord');
    const w1Ns = lab.addNamespace('w1');
    const w2Ns = lab.addNamespace('w2');
    const link1 = lab.connect(coordinatorNs, w1Ns);
    const link2 = lab.connect(coordinatorNs, w2Ns);

    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
    const sweepFile = join(dir, 'partition.yaml');
    writeFileSync(sweepFile, SWEEP);
    const db = join(dir, 'partition.db');
    const local = ['--coordinator', `127.0.0.1:${PORT}`, '--token-file', tokenFile];

    const start = (name: string, namespace: string, args: readonly string[], logged = true): NamespacedCli => {
      const log = join(dir, `${name}.log`);
      const child = new NamespacedCli(
        name,
        lab.commandIn(namespace),
        logged ? [...args, '--log-file', log, '--log-level', 'debug'] : args,
        logged ? log : undefined,
      );
      processes.push(child);
      return child;
    };
    const status = async (): Promise<StatusJson | undefined> => {
      const call = start('status', coordinatorNs, ['status', ...local, '--json'], false);
      const { code } = await call.exited;
      processes.splice(processes.indexOf(call), 1);
      return code === 0 ? (JSON.parse(call.stdout) as StatusJson) : undefined;
    };

    try {
      const coordinator = start('coordinator', coordinatorNs, [
        'coordinator',
        '--db',
        db,
        '--listen',
        `0.0.0.0:${PORT}`,
        '--token-file',
        tokenFile,
        '--lease-timeout',
        String(LEASE_SECONDS),
      ]);
      await coordinator.waitForOutput(/coordinator listening on/);
      const w1 = start('w1', w1Ns, ['worker', '--coordinator', `${link1.a.address}:${PORT}`, '--token-file', tokenFile, '--threads', '2']);
      const w2 = start('w2', w2Ns, ['worker', '--coordinator', `${link2.a.address}:${PORT}`, '--token-file', tokenFile, '--threads', '2']);
      const w1Id = (await w1.waitForOutput(/^worker (\S+) with 2 threads/m))[1] as string;
      const w2Id = (await w2.waitForOutput(/^worker (\S+) with 2 threads/m))[1] as string;
      // What the store's `worker` column and the coordinator's log call them.
      const w1Name = `${hostname()}:${w1.pid}`;
      const w2Name = `${hostname()}:${w2.pid}`;
      await until('both workers to be connected', async () => {
        const now = await status();
        return now && [w1Id, w2Id].every((id) => now.workers.some((w) => w.id === id && w.connected)) ? now : undefined;
      });

      const submit = start('submit', coordinatorNs, ['submit', sweepFile, ...local, '--json'], false);
      assert.equal((await submit.exited).code, 0, `submit failed: ${submit.stderr}`);

      // Watches the coordinator's runs all along: who runs what, and when (a call started at
      // `sent` shows the state at some moment between `sent` and `at`).
      const seen: { sent: number; at: number; status: StatusJson }[] = [];
      const observer = (async () => {
        while (observing) {
          const sent = Date.now();
          const now = await status();
          if (now) seen.push({ sent, at: Date.now(), status: now });
        }
      })();
      const w1RunsSeen = (from: number, to: number): Run[] =>
        seen.filter((s) => s.sent > from && s.at < to).flatMap((s) => s.status.runs.filter((r) => r.worker === w1Id));

      // Cut w1 off while it is mid-trial: an epoch reported, more to come.
      await until('w1 to be mid-trial', () => seen.at(-1)?.status.runs.find((r) => r.worker === w1Id && r.epoch >= 1 && r.epoch < EPOCHS));
      const method = lab.cut(link1);
      const cutAt = Date.now();
      t.diagnostic(`cut w1's link (${method})`);

      // Past the lease, the coordinator takes back every run w1 held: those are the runs cut off.
      const lostReason = new RegExp(
        `^attempt \\d+ was lost: worker ${escapeRegExp(w1Name)} was not heard from for [\\d.]+ s \\(lease ${LEASE_SECONDS} s\\)$`,
      );
      const cutRuns = await until(
        'w1 to lose its lease and its runs',
        () => {
          const log = coordinator.logLines();
          const expiry = log.find((line) => line.msg === 'worker lost its lease' && line.worker === w1Name);
          const lost = log
            .filter((line) => line.msg === 'run lost' && lostReason.test(String(line.reason)))
            .map((line) => ({ trial: Number(line.trial), attempt: Number(line.attempt) }));
          return expiry && lost.length === expiry.runs ? lost : undefined;
        },
        20_000,
      );
      assert.ok(cutRuns.length >= 1, 'w1 held runs when it was cut off');
      const cutKeys = new Set(cutRuns.map((r) => `${r.trial}.${r.attempt}`));
      const cutTrials = new Set(cutRuns.map((r) => r.trial));
      // In the store they are queued again, or already re-run as the next attempt.
      await waitForTrials(
        db,
        STUDY,
        (trials) => cutRuns.every((r) => trials.some((x) => x.number === r.trial && (x.state === 'QUEUED' || x.attempt > r.attempt))),
        10_000,
      );

      await sleep(Math.max(0, cutAt + CUT_MS - Date.now()));
      const finishedAtHeal = readTrials(db, STUDY).filter(isFinished);
      lab.heal(link1);
      const healedAt = Date.now();
      t.diagnostic(`healed after ${healedAt - cutAt} ms; ${cutRuns.length} runs cut off, ${finishedAtHeal.length} trials finished by then`);

      const final = await waitForTrials(db, STUDY, (trials) => trials.length >= BUDGET && trials.every(isFinished), 60_000);
      const atEnd = await until('a status at the end', status);
      observing = false;
      await observer;

      // The budget, each trial once, every one complete with exactly its epochs.
      assert.deepEqual(
        final.map((x) => x.number),
        Array.from({ length: BUDGET }, (_, i) => i),
        'the budget, each trial once',
      );
      for (const trial of final) {
        assert.equal(trial.state, 'COMPLETE', `trial ${trial.number}: ${trial.reason}`);
        assert.equal(trial.epochs, EPOCHS, `trial ${trial.number} has the epochs of one attempt`);
      }
      assert.deepEqual(atEnd.studies.find((s) => s.name === STUDY)?.counts, {
        QUEUED: 0,
        RUNNING: 0,
        COMPLETE: BUDGET,
        PRUNED: 0,
        FAILED: 0,
      });

      // Nothing finished is lost or overwritten, by the healed worker or anyone.
      for (const before of finishedAtHeal)
        assert.deepEqual(
          final.find((x) => x.number === before.number),
          before,
          `finished trial ${before.number} is untouched`,
        );

      // The cut runs were re-queued and re-run as the next attempt; no other trial needed a second one.
      const coordinatorLog = coordinator.logLines();
      for (const run of cutRuns) {
        const requeued = coordinatorLog.find(
          (line) => line.msg === 'trial re-queued' && line.trial === run.trial && line.attempt === run.attempt,
        );
        assert.match(String(requeued?.reason), lostReason, `trial ${run.trial} was re-queued because w1's lease ran out`);
        assert.equal(
          final.find((x) => x.number === run.trial)?.attempt,
          run.attempt + 1,
          `trial ${run.trial} was finished by attempt ${run.attempt + 1}`,
        );
      }
      for (const trial of final.filter((x) => !cutTrials.has(x.number))) assert.equal(trial.attempt, 1, `trial ${trial.number} ran once`);
      assert.ok(!coordinatorLog.some((line) => line.msg === 'worker lost its lease' && line.worker === w2Name), 'w2 kept its lease');

      // While cut, w1 was given nothing new, so the re-runs went to w2, or to w1 once healed.
      for (const run of w1RunsSeen(cutAt, healedAt))
        assert.ok(cutKeys.has(`${run.trial}.${run.attempt}`), `w1 was given trial ${run.trial} (attempt ${run.attempt}) while cut off`);

      // Healed, w1 was told its runs are no longer its own: it dropped them, reporting nothing more...
      const w1Log = w1.logLines();
      for (const run of cutRuns) {
        const key = describeRun({ study: STUDY, trialNumber: run.trial, attempt: run.attempt, repeat: 0 });
        assert.ok(
          w1Log.some((line) => line.msg === 'abandoned a run' && line.run === key),
          `w1 abandoned ${key}`,
        );
      }
      assert.ok(
        w1Log.filter((line) => line.msg === 'registered with the coordinator').length >= 2,
        'w1 registered again after the partition',
      );
      // ...and went on working: it ran trials it was given after healing.
      const newRuns = w1RunsSeen(healedAt, Infinity).filter((r) => !cutKeys.has(`${r.trial}.${r.attempt}`));
      assert.ok(
        newRuns.length > 0,
        `w1 took new trials after healing; workers in the store: ${final.map((x) => `${x.number}:${x.worker}`).join(', ')}`,
      );
      assert.ok(
        atEnd.workers.some((w) => w.id === w1Id && w.connected),
        'w1 is connected at the end',
      );

      for (const child of [coordinator, w1, w2]) assert.ok(child.running, `${child.name} is still running`);
    } catch (error) {
      const tails = processes.map((child) => child.tail()).join('\n\n');
      throw new Error(`${(error as Error).message}\n\n${tails}`, { cause: error });
    }
  });
});
