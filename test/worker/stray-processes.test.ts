import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { markedProcesses, RUN_MARK_VARIABLE, strays } from '../../worker/command/run-marks.js';
import { StrayProcesses, type SweepRequest } from '../../worker/command/stray-processes.js';
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
    const a = marked('aaaa.1');
    const b = marked('bbbb.1');
    // The variable's name inside another variable's value is not a mark.
    const c = spawn('sleep', ['600'], { stdio: 'ignore', env: { ...process.env, OTHER: `${RUN_MARK_VARIABLE}=aaaa.9` } });
    started.push(c);
    assert.ok(await eventually(() => markedProcesses('bbbb.').length === 1));
    const found = markedProcesses('aaaa.');
    assert.deepEqual(
      found.map(({ pid, mark }) => ({ pid, mark })),
      [{ pid: a, mark: 'aaaa.1' }],
    );
    // Started detached: each leads a group of its own.
    assert.equal(found[0]?.pgid, a);
    assert.ok(running(b));
  });

  test("strays: ended runs' processes up to the last run asked about; not live runs', not later runs', not another worker's", () => {
    const processes = ['w.1', 'w.2', 'w.3', 'w.4', 'other.1', 'w.x'].map((mark, pid) => ({ pid: pid + 100, pgid: undefined, mark }));
    assert.deepEqual(
      strays(processes, 'w', 3, new Set([2])).map(({ mark }) => mark),
      ['w.1', 'w.3'],
    );
  });

  test('StrayProcesses asks for one sweep a second at most, naming the live runs and the last one', async () => {
    const requests: SweepRequest[] = [];
    const marks = new StrayProcesses((request) => requests.push(request));
    const first = marks.begin();
    const second = marks.begin();
    assert.equal(first, `${marks.token}.1`);
    marks.ended(first);
    marks.ended(second);
    marks.begin();
    assert.ok(await eventually(() => requests.length > 0, 5_000));
    assert.deepEqual(requests, [{ last: 3, live: [3] }]);
    marks.close();
  });
});

describe('the reaper, asked to sweep', () => {
  test("kills the strays of ended runs, leaves the live runs' processes and another worker's", async () => {
    const reaper = spawn(process.execPath, [fileURLToPath(new URL('../../worker/command/reaper.js', import.meta.url)), 'tok'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    started.push(reaper);
    const ended = marked('tok.1');
    const live = marked('tok.2');
    const later = marked('tok.3');
    const others = marked('other.1');
    assert.ok(await eventually(() => markedProcesses('tok.').length === 3));
    reaper.stdin?.write('grace 100\nsweep 2 2\n');
    assert.ok(await eventually(() => !running(ended)), `${ended} still runs`);
    assert.ok(running(live) && running(later) && running(others));
    // The worker is gone: everything of its runs goes, nothing of another worker's.
    reaper.stdin?.end();
    assert.ok(await eventually(() => !running(live) && !running(later)));
    assert.ok(running(others), "another worker's run was killed");
  });
});
