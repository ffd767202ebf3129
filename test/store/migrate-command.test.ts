import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sha256Hex } from '../../src/files/sha256.js';
import { openStore } from '../../src/store/open-store.js';
import type { TrialStore } from '../../src/store/trial-store.js';
import { runCli } from '../helpers/cli-process.js';
import { PostgresServer, postgresSkip } from '../helpers/postgres-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { result, studyDefinition } from './study-fixture.js';

function checkpoint(epoch: number, size: number): { epoch: number; sha256: string; data: Uint8Array } {
  const data = new Uint8Array(size).map((_, i) => (i * 31 + epoch) % 251);
  return { epoch, sha256: sha256Hex(data), data };
}

/**
 * A study with a row in every table and a trial in every state: COMPLETE with repeats, a test
 * evaluation, metrics of the user's own, logs and a kept checkpoint; PRUNED; FAILED with its log;
 * QUEUED again after a lost attempt; RUNNING with a checkpoint and a PBT segment from another member.
 */
async function richStudy(store: TrialStore, name: string): Promise<void> {
  const study = await store.createStudy(studyDefinition(name, { repeats: 2 }), {
    text: `study: ${name}\n`,
    format: 'yaml',
    path: 's.yaml',
  });
  const complete = await store.createTrial(study.id, { lr: 0.0123456789, depth: 2 }, { worker: 'w1' });
  for (const repeat of [0, 1]) {
    for (let epoch = 1; epoch <= 3; epoch += 1)
      await store.recordEpoch(complete.id, 1, repeat, epoch, {
        trainLoss: 1 / (epoch + repeat),
        valAccuracy: 0.5 + epoch / 10 + repeat / 1000,
        learningRate: 0.01,
        epochSeconds: 0.1 * epoch,
        mutualInformation: 1.5,
        extra: { f1: 0.25 * epoch },
      });
    await store.recordRepeat(complete.id, 1, {
      repeat,
      seed: 100 + repeat,
      value: 0.8 + repeat / 1000,
      epochs: 3,
      bestEpoch: 3,
      trainSeconds: 0.6,
      test: {
        epoch: 3,
        loss: 0.4,
        accuracy: 0.79,
        confusion: [
          [1, 0],
          [0, 1],
        ],
      },
    });
    await store.recordLog(complete.id, 1, repeat, `repeat ${repeat}: ok\n`);
  }
  await store.saveCheckpoint(complete.id, 1, 0, checkpoint(3, 5000));
  await store.finishTrial(complete.id, 1, {
    state: 'COMPLETE',
    result: { ...result(0.8005), repeats: 2, valueStd: 0.0007, testAccuracy: 0.79 },
  });

  const pruned = await store.createTrial(study.id, { lr: 0.5, depth: 1 }, { worker: 'w2' });
  await store.recordEpoch(pruned.id, 1, 0, 1, { valAccuracy: 0.1 });
  await store.finishTrial(pruned.id, 1, { state: 'PRUNED', reason: 'median pruner at epoch 1', result: result(0.1) });

  const failed = await store.createTrial(study.id, { lr: 0.9, depth: 4 }, { worker: 'w1' });
  await store.recordLog(failed.id, 1, 0, 'Traceback: out of memory\n');
  await store.finishTrial(failed.id, 1, { state: 'FAILED', reason: 'exit code 1' });

  const requeued = await store.createTrial(study.id, { lr: 0.001, depth: 3 }, { worker: 'w3' });
  await store.recordEpoch(requeued.id, 1, 0, 1, { valAccuracy: 0.3 });
  await store.requeueTrial(requeued.id, 1, 'worker w3 lost', { lost: true });

  const parent = await store.createTrial(study.id, { lr: 0.02, depth: 2 }, { worker: 'w1' });
  const member = await store.createTrial(study.id, { lr: 0.03, depth: 2 }, { worker: 'w2' });
  for (const trial of [parent, member])
    for (let epoch = 1; epoch <= 2; epoch += 1) await store.recordEpoch(trial.id, 1, 0, epoch, { valAccuracy: 0.4 + epoch / 10 });
  await store.saveCheckpoint(parent.id, 1, 0, checkpoint(2, 3000));
  await store.saveCheckpoint(member.id, 1, 0, checkpoint(2, 2000));
  await store.startSegments([{ trialId: member.id, attempt: 1, fromEpoch: 3, params: { lr: 0.024, depth: 2 }, parentId: parent.id }]);
  await store.recordEpoch(member.id, 1, 0, 3, { valAccuracy: 0.65 });
  await store.createTrial(study.id, { lr: 0.05, depth: 1 });
}

/** Everything the store gives out about a study, without the ids of its rows (which a copy renumbers). */
async function everything(location: string, name: string, checkpoints?: string): Promise<unknown> {
  const store = await openStore(location, 'read', { ...(checkpoints !== undefined && { checkpoints }) });
  try {
    const { id, ...study } = await store.getStudy(name);
    const summary = await store.summariseStudy(id);
    const trials = [];
    for (const trial of await store.listTrials(id)) {
      const saved = [];
      for (const record of await store.listCheckpoints(trial.id))
        saved.push({ record, bytes: await store.loadCheckpoint(trial.id, record.repeat) });
      trials.push({
        ...trial,
        id: undefined,
        studyId: undefined,
        epochs: await store.getEpochs(trial.id),
        repeats: await store.getRepeats(trial.id),
        logs: await store.getLogs(trial.id),
        saved,
      });
    }
    return {
      study,
      summary: { ...summary, id: undefined },
      trials,
      segments: await store.listSegments(id),
      best: await store.bestTrials(id, 3),
    };
  } finally {
    await store.close();
  }
}

function withoutIds(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'id' || key === 'studyId' || key === 'trialId' ? undefined : v)));
}

// The commands of docs/store.md ("Moving studies between stores") and docs/cli.md (`sweeper migrate`), on
// stores of the test's own: a file, and a PostgreSQL server started for it.
describe('sweeper migrate', () => {
  test('SQLite to SQLite: every row and checkpoint copied, checked count by count; a study the target has is refused, nothing written', async () => {
    const dir = tempDir();
    const from = join(dir, 'runs.db');
    const store = await openStore(from, 'write');
    await richStudy(store, 'alpha');
    await richStudy(store, 'beta');
    await store.close();

    const to = join(dir, 'copy.db');
    const copied = await runCli(['migrate', '--from', from, '--to', to, '--study', 'beta']);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(
      copied.stdout,
      /^beta: 7 trials, 12 epochs, 2 repeats, 2 results, 14 parameter values, 3 logs, 1 segment, 3 checkpoints$/m,
    );
    assert.match(copied.stdout, /copied 1 study from .*runs\.db to .*copy\.db; every table's rows counted the same in both/);
    assert.deepEqual(withoutIds(await everything(to, 'beta')), withoutIds(await everything(from, 'beta')));

    // alpha is new there, beta is not: neither is copied.
    const refused = await runCli(['migrate', '--from', from, '--to', to]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /already has a study named beta: nothing was copied/);
    const target = await openStore(to, 'read');
    assert.deepEqual(
      (await target.listStudies()).map((s) => s.name),
      ['beta'],
    );
    await target.close();
    assert.deepEqual(readdirSync(join(`${to}.checkpoints`)), ['study-1'], 'no checkpoint of alpha was left behind');

    const json = await runCli(['migrate', '--from', from, '--to', to, '--study', 'alpha', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { studies: { name: string; counts: Record<string, number> }[] };
    assert.deepEqual(report.studies[0]?.counts, {
      trials: 7,
      trial_params: 14,
      trial_epochs: 12,
      trial_repeats: 2,
      trial_results: 2,
      trial_logs: 3,
      trial_checkpoints: 3,
      trial_segments: 1,
    });
    assert.deepEqual(withoutIds(await everything(to, 'alpha')), withoutIds(await everything(from, 'alpha')));
  });

  test('a study a live process runs is not copied: its rows would change under the copy', async () => {
    const dir = tempDir();
    const from = join(dir, 'runs.db');
    const store = await openStore(from, 'write');
    await richStudy(store, 'live');
    const study = await store.getStudy('live');
    await store.claimStudy(study.id, { id: 'coordinator@test', host: 'test', pid: process.pid });
    try {
      const refused = await runCli(['migrate', '--from', from, '--to', join(dir, 'copy.db')]);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /live/);
      assert.equal(existsSync(join(dir, 'copy.db.checkpoints')), false);
    } finally {
      await store.close();
    }
    const later = await runCli(['migrate', '--from', from, '--to', join(dir, 'copy.db')]);
    assert.equal(later.code, 0, later.stderr);
  });

  test('a store that does not exist, or a study it lacks: exit 2, naming it', async () => {
    const dir = tempDir();
    const missing = await runCli(['migrate', '--from', join(dir, 'none.db'), '--to', join(dir, 'copy.db')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no trial store at .*none\.db/);
    const from = join(dir, 'runs.db');
    const store = await openStore(from, 'write');
    await richStudy(store, 'alpha');
    await store.close();
    const lacking = await runCli(['migrate', '--from', from, '--to', join(dir, 'copy.db'), '--study', 'gamma']);
    assert.equal(lacking.code, 2);
    assert.match(lacking.stderr, /no study named "gamma"/);
    assert.equal(existsSync(join(dir, 'copy.db.checkpoints')), false);
  });
});

let server: PostgresServer | undefined;
after(async () => server?.close());

describe('sweeper migrate with PostgreSQL', { skip: postgresSkip() }, () => {
  test('SQLite to PostgreSQL and back: the same study, row for row and byte for byte; the queries print the same', async () => {
    server = await PostgresServer.start();
    const dir = tempDir();
    const from = join(dir, 'runs.db');
    const store = await openStore(from, 'write');
    await richStudy(store, 'alpha');
    await store.close();
    const url = server.database('migrated');
    const checkpoints = join(dir, 'pg-checkpoints');

    const up = await runCli(['migrate', '--from', from, '--to', url, '--to-checkpoints', checkpoints]);
    assert.equal(up.code, 0, up.stderr);
    assert.doesNotMatch(up.stdout + up.stderr, /sweeper-test-secret/, 'the password is never shown');
    assert.deepEqual(withoutIds(await everything(url, 'alpha', checkpoints)), withoutIds(await everything(from, 'alpha')));
    const best = async (db: string): Promise<string> => (await runCli(['best', 'alpha', '--db', db, '--checkpoints', checkpoints])).stdout;
    assert.equal(await best(url), await best(from));

    const again = await runCli(['migrate', '--from', from, '--to', url, '--to-checkpoints', checkpoints]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already has a study named alpha/);

    const back = join(dir, 'back.db');
    const down = await runCli(['migrate', '--from', url, '--from-checkpoints', checkpoints, '--to', back]);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(withoutIds(await everything(back, 'alpha')), withoutIds(await everything(from, 'alpha')));
  });
});
