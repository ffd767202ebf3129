import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { markedProcesses, RUN_MARK_VARIABLE } from '../../worker/command/run-marks.js';
import { StrayProcesses } from '../../worker/command/stray-processes.js';
import { eventually, running } from '../helpers/command-runs.js';

const started: ChildProcess[] = [];
after(() => {
  for (const child of started) child.kill('SIGKILL');
});

/** A sleeping process in a session of its own (as setsid makes), carrying `mark`. */
function marked(mark: string): number {
  const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore', env: { ...process.env, [RUN_MARK_VARIABLE]: mark } });
  started.push(child);
  return child.pid as number;
}

describe('run marks', () => {
  test('markedProcesses finds the processes whose mark has the prefix, and no other', async () => {
    const mine = new StrayProcesses();
    const other = new StrayProcesses();
    const a = marked(`${mine.token}.1`);
    const b = marked(`${other.token}.1`);
    // The variable's name inside another variable's value is not a mark.
    const c = spawn('sleep', ['600'], { stdio: 'ignore', env: { ...process.env, OTHER: `${RUN_MARK_VARIABLE}=${mine.token}.9` } });
    started.push(c);
    assert.ok(await eventually(() => markedProcesses(`${other.token}.`).length === 1));
    const found = markedProcesses(`${mine.token}.`);
    assert.deepEqual(
      found.map(({ pid, mark }) => ({ pid, mark })),
      [{ pid: a, mark: `${mine.token}.1` }],
    );
    // Started detached: each leads a group of its own.
    assert.equal(found[0]?.pgid, a);
    assert.ok(running(b));
  });

  test("a sweep kills the processes of ended runs only: not a live run's, not another worker's", async () => {
    const strays = new StrayProcesses();
    const other = new StrayProcesses();
    const liveMark = strays.begin();
    const endedMark = strays.begin();
    const live = marked(liveMark);
    const ended = marked(endedMark);
    const othersEnded = marked(other.begin());
    assert.ok(await eventually(() => markedProcesses(`${strays.token}.`).length === 2));
    strays.ended(endedMark);
    // The sweep the end scheduled kills it, shortly.
    assert.ok(await eventually(() => !running(ended)), `${ended} still runs`);
    assert.equal(strays.sweep(), 0);
    assert.ok(running(live), 'the live run was killed');
    assert.ok(running(othersEnded), "another worker's run was killed");
    strays.ended(liveMark);
    assert.equal(strays.sweep(), 1);
    assert.ok(await eventually(() => !running(live)));
  });
});
