import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CommandExecutor } from '../../worker/command/command-executor.js';
import { TaskRouter } from '../../worker/task-router.js';
import { commandAssignment, eventually, groupMembers, never, program, recorder } from '../helpers/command-runs.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('sweeper-command-');
const logDir = join(dir, 'logs');
const executor = new CommandExecutor({ slots: 4, logDir, logger: silentLogger() });
after(() => executor.close());

describe('CommandExecutor', () => {
  test('a program reporting 3 epochs: metrics and extras reach the listener, with its env, params file and argv', async () => {
    const seen = join(dir, 'seen.txt');
    const good = program(
      dir,
      'good.sh',
      `{
  echo "args: $*"
  echo "params: $SWEEPER_PARAMS"
  echo "file: $(cat "$SWEEPER_PARAMS_FILE")"
  echo "which: $SWEEPER_STUDY $SWEEPER_TRIAL $SWEEPER_REPEAT $SWEEPER_ATTEMPT $SWEEPER_SEED $SWEEPER_EPOCHS $SWEEPER_REPORT_FD $SWEEPER_DECISION_FD $MY_VAR"
} > ${seen}
echo "starting" >&2
for e in 1 2 3; do
  echo "{\\"epoch\\": $e, \\"val_loss\\": 0.$e, \\"val_accuracy\\": 0.9, \\"my_metric\\": $e}" >&3
  read decision <&4
  echo "epoch $e: $decision"
done
echo '{"final": {"test_accuracy": 0.8, "test_loss": 0.4, "epoch": 2}}' >&3
`,
    );
    const { reports, listener } = recorder();
    const assignment = commandAssignment(
      { argv: [good, '--lr', '${lr}', '--beta1', '${beta1?}', '--optimizer=${optimizer}'], env: { MY_VAR: 'mine' }, epochs: 3 },
      { lr: 0.01, optimizer: 'sgd' },
    );
    const outcome = await executor.run(assignment, listener, never());
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    assert.equal(outcome.status === 'finished' && outcome.epochs, 3);
    assert.deepEqual(outcome.status === 'finished' && outcome.test, { epoch: 2, loss: 0.4, accuracy: 0.8 });
    assert.deepEqual(
      reports.map((report) => report.epoch),
      [1, 2, 3],
    );
    assert.equal(reports[1]?.metrics.valLoss, 0.2);
    assert.equal(reports[1]?.metrics.valAccuracy, 0.9);
    assert.deepEqual(reports[2]?.metrics.extra, { my_metric: 3 });
    assert.equal(typeof reports[0]?.metrics.epochSeconds, 'number');
    const lines = readFileSync(seen, 'utf8').split('\n');
    assert.equal(lines[0], 'args: --lr 0.01 --optimizer=sgd');
    assert.deepEqual(JSON.parse(lines[1]?.slice('params: '.length) ?? ''), { lr: 0.01, optimizer: 'sgd' });
    assert.deepEqual(JSON.parse(lines[2]?.slice('file: '.length) ?? ''), { lr: 0.01, optimizer: 'sgd' });
    assert.equal(lines[3], 'which: command test/study 3 1 2 77 3 3 4 mine');
    assert.match(outcome.log ?? '', /starting\nepoch 1: continue\nepoch 2: continue\nepoch 3: continue/);
    const path = await executor.logFileOf({ study: 'command test/study', trialNumber: 3, repeat: 1, attempt: 2 });
    assert.equal(path, join(logDir, 'command_test_study', '3.1@2.log'));
    const logFile = readFileSync(path, 'utf8');
    assert.match(logFile, /epoch 3: continue/);
  });

  test('the listener answers stop: the program reads it on fd 4, exits, and the run is stopped', async () => {
    const obedient = program(
      dir,
      'obedient.sh',
      `for e in 1 2 3 4 5 6 7 8 9; do
  echo "{\\"epoch\\": $e, \\"val_loss\\": 0.5}" >&3
  read decision <&4
  if [ "$decision" = stop ]; then echo "told to stop at $e"; echo '{"final": {"test_accuracy": 0.7, "test_loss": 0.5}}' >&3; exit 0; fi
done
`,
    );
    const { reports, listener } = recorder((report) => (report.epoch === 2 ? 'stop' : 'continue'));
    const outcome = await executor.run(commandAssignment({ argv: [obedient], graceSeconds: 60 }), listener, never());
    assert.equal(outcome.status, 'stopped', JSON.stringify(outcome));
    assert.equal(outcome.status === 'stopped' && outcome.epochs, 2);
    assert.equal(reports.length, 2);
    assert.match(outcome.log ?? '', /told to stop at 2/);
    // A final line without "epoch" is the last reported epoch's evaluation.
    assert.deepEqual(outcome.status === 'stopped' && outcome.test, { epoch: 2, loss: 0.5, accuracy: 0.7 });
  });

  test('a program that ignores fd 4 gets SIGTERM and the run is stopped', async () => {
    const deaf = program(dir, 'deaf.sh', `echo '{"epoch": 1, "val_loss": 0.5}' >&3\nexec sleep 600\n`);
    const { listener } = recorder(() => 'stop');
    const outcome = await executor.run(commandAssignment({ argv: [deaf], graceSeconds: 30 }), listener, never());
    assert.equal(outcome.status, 'stopped', JSON.stringify(outcome));
    assert.equal(outcome.status === 'stopped' && outcome.epochs, 1);
  });

  test('an abort stops a running program', async () => {
    const slow = program(dir, 'slow.sh', `echo '{"epoch": 1, "val_loss": 0.5}' >&3\nexec sleep 600\n`);
    const stop = new AbortController();
    const { listener } = recorder(() => {
      stop.abort();
      return 'continue';
    });
    const outcome = await executor.run(commandAssignment({ argv: [slow] }), listener, stop.signal);
    assert.equal(outcome.status, 'stopped');
  });

  test('a missing program and a missing cwd fail, naming them', async () => {
    const { listener } = recorder();
    const missing = await executor.run(commandAssignment({ argv: ['python4', 'train.py'] }), listener, never());
    assert.deepEqual(missing, { status: 'error', message: 'cannot start python4: not found on PATH' });
    const badCwd = await executor.run(commandAssignment({ argv: ['true'], cwd: '/no/such/dir' }), listener, never());
    assert.deepEqual(badCwd, { status: 'error', message: 'cwd /no/such/dir does not exist on this worker' });
  });

  test('a program that exits 0 without reporting fails, pointing at the protocol', async () => {
    const { listener } = recorder();
    const outcome = await executor.run(commandAssignment({ argv: ['true'] }), listener, never());
    assert.equal(outcome.status, 'error');
    assert.match(
      outcome.status === 'error' ? outcome.message : '',
      /^exited without reporting an epoch \(write JSON lines to fd 3: docs\/own-code.md\)/,
    );
  });

  test('close() stops every run, even one ignoring SIGTERM, and resolves when all are gone', async () => {
    const own = new CommandExecutor({ slots: 2, logDir, logger: silentLogger() });
    const pidFile = join(dir, 'closing.pid');
    const stubborn = program(
      dir,
      'closing.sh',
      `trap '' TERM\necho $$ > ${pidFile}\necho '{"epoch": 1, "val_loss": 0.5}' >&3\nwhile true; do sleep 1; done\n`,
    );
    let started!: () => void;
    const reported = new Promise<void>((resolve) => (started = resolve));
    const run = own.run(
      commandAssignment({ argv: [stubborn], graceSeconds: 1 }),
      {
        onEpoch: () => {
          started();
          return 'continue';
        },
      },
      never(),
    );
    await reported;
    await own.close();
    const outcome = await run;
    assert.equal(outcome.status, 'stopped', JSON.stringify(outcome));
    const pgid = Number(readFileSync(pidFile, 'utf8'));
    // SIGKILL is delivered asynchronously: give the kernel a moment, without a threshold on it.
    assert.ok(await eventually(() => groupMembers(pgid).length === 0), `group ${pgid} still has ${groupMembers(pgid).join(', ')}`);
    const refused = await own.run(commandAssignment({ argv: ['true'] }), recorder().listener, never());
    assert.deepEqual(refused, { status: 'error', message: 'the command executor is closed' });
  });

  test('TaskRouter routes command tasks to its command executor', async () => {
    const router = new TaskRouter({ threads: 2, logDir, logger: silentLogger() });
    try {
      const one = program(dir, 'one.sh', `echo '{"epoch": 1, "val_loss": 0.5}' >&3\n`);
      const outcome = await router.run(commandAssignment({ argv: [one] }), recorder().listener, never());
      assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
      assert.equal(router.startedThreads, false);
    } finally {
      await router.close();
    }
  });
});
