import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { SqliteTrialStore } from '../../src/store/sqlite/sqlite-trial-store.js';
import { modulesLoadedBy } from '../helpers/modules-loaded-by.js';
import { tempDir } from '../helpers/temp-dir.js';
import { result, studyDefinition } from '../store/study-fixture.js';

// How long `sweeper` takes to start is measured in bench/README.md ("start-up"); this proves the
// reason it is short: a command's modules are imported only when that command runs.
const dir = tempDir();
const db = join(dir, 'small.db');

before(async () => {
  const store = SqliteTrialStore.open(db);
  const study = await store.createStudy(studyDefinition('small'));
  for (const value of [0.5, 0.7, 0.6]) {
    const trial = await store.createTrial(study.id, { lr: value / 10, depth: 2 }, { worker: 'host:1' });
    await store.finishTrial(trial.id, 1, { state: 'COMPLETE', result: result(value) });
  }
  await store.close();
});

describe('sweeper loads a command only when it runs', () => {
  test('--version, --help and every help page load commander and none of the commands', () => {
    const commands = [
      'run',
      'resume',
      'best',
      'trials',
      'show',
      'export',
      'studies',
      'report',
      'coordinator',
      'worker',
      'submit',
      'status',
      'dashboard',
    ];
    for (const args of [['--version'], ['--help'], ...commands.map((command) => [command, '--help'])]) {
      const loaded = modulesLoadedBy(args, dir);
      assert.equal(loaded.status, 0, `${args.join(' ')}: ${loaded.stderr}`);
      assert.deepEqual(loaded.packages, ['commander'], args.join(' '));
      assert.deepEqual(
        loaded.own.filter((path) => /^cli\/commands\/.*-command\.js$|^(coordinator|worker)\//.test(path)),
        [],
        args.join(' '),
      );
    }
  });

  test('best on a store loads SQLite, not gRPC, the logger, zod or TensorFlow.js', () => {
    const best = modulesLoadedBy(['best', 'small', '--db', db], dir);
    assert.equal(best.status, 0, best.stderr);
    assert.match(best.stdout, /best 3 of study small/);
    assert.deepEqual(best.packages, ['better-sqlite3', 'commander']);
  });

  test('the check sees a heavy package when a command does load it', () => {
    // status has to speak gRPC: nobody listens on port 1, so it fails, after loading grpc-js.
    const status = modulesLoadedBy(['status', '--coordinator', '127.0.0.1:1'], dir);
    assert.notEqual(status.status, 0);
    assert.ok(status.packages.includes('@grpc/grpc-js'), status.packages.join(', '));
  });
});
