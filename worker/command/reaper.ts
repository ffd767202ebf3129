/**
 * The reaper: a small process a CommandExecutor starts beside itself. Each run's process group
 * is detached from the worker (so it can be stopped as a whole), which also means it would
 * outlive a worker killed by SIGKILL. When its stdin reaches end of file (the worker exited,
 * however it died) the reaper SIGTERMs every process of the worker's runs, waits the longest
 * grace, SIGKILLs whatever is left, and exits.
 *
 * On Linux it finds them by their mark (run-marks.ts; argv[2] is the worker's token), which also
 * finds processes that left their group with setsid, and the worker only tells it the longest
 * grace, "grace <ms>", and asks it, at most once a second, to kill the strays of ended runs:
 * "sweep <last> <live,...>" (the scan of /proc is done here, off the worker's event loop).
 * Elsewhere the worker tells it about every group, "+<pgid>" when a run starts and "-<pgid>"
 * when it ends.
 */
import { createInterface } from 'node:readline';
import { canFindMarks, markedProcesses, signalMarked, strays, type MarkedProcess } from './run-marks.js';

const token = process.argv[2];
const findable = token !== undefined && canFindMarks();
const groups = new Set<number>();
let graceMs = 0;

/** Every process of the worker's runs still alive: marked ones, and the groups it was told about. */
function runProcesses(): MarkedProcess[] {
  const marked = findable ? markedProcesses(`${token}.`) : [];
  // A group as a "process" of negative id: process.kill(-pgid) signals the whole group.
  return [...marked, ...[...groups].map((pgid) => ({ pid: -pgid, pgid: undefined, mark: '' }))];
}

// Ctrl-C reaches the whole terminal's process group, the reaper too: the worker drains its runs
// itself then, and the reaper must live on until the worker is gone.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const grace = /^grace (\d+)$/.exec(line.trim());
  if (grace !== null) {
    graceMs = Math.max(graceMs, Number(grace[1]));
    return;
  }
  const sweep = /^sweep (\d+) ?([\d,]*)$/.exec(line.trim());
  if (sweep !== null) {
    if (!findable) return;
    const live = new Set((sweep[2] ?? '').split(',').filter(Boolean).map(Number));
    signalMarked(strays(markedProcesses(`${token}.`), token, Number(sweep[1]), live), 'SIGKILL');
    return;
  }
  const match = /^([+-])(\d+)$/.exec(line.trim());
  if (match === null) return;
  const pgid = Number(match[2]);
  if (match[1] === '+') groups.add(pgid);
  else groups.delete(pgid);
});
lines.on('close', () => {
  const alive = runProcesses();
  if (alive.length === 0) process.exit(0);
  signalMarked(alive, 'SIGTERM');
  setTimeout(() => {
    // Found again: what the runs started during the grace goes too.
    signalMarked(runProcesses(), 'SIGKILL');
    process.exit(0);
  }, graceMs);
});
