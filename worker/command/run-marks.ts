import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process of a run carries a mark in its environment, `SWEEPER_RUN_MARK=<worker>.<run>`,
 * inherited by whatever it starts. A process group does not hold a program that calls setsid
 * (Python's `start_new_session=True`, a daemon); the mark does, and on Linux /proc shows it, so
 * the worker and its reaper can find such strays and stop them.
 */
export const RUN_MARK_VARIABLE = 'SWEEPER_RUN_MARK';

export interface MarkedProcess {
  readonly pid: number;
  /** Its process group, to signal what it started and what cleared its environment. */
  readonly pgid: number | undefined;
  readonly mark: string;
}

/** Whether processes can be found by their mark here: Linux's /proc. Elsewhere only process groups stop a run. */
export function canFindMarks(): boolean {
  try {
    readFileSync('/proc/self/environ');
    return true;
  } catch {
    return false;
  }
}

/**
 * The processes whose environment has a mark beginning with `prefix` (other users' processes,
 * which cannot be read, are not ours). Synchronous: a scan of a few hundred processes takes
 * well under a millisecond per hundred, less than the round trips of reading them asynchronously.
 */
export function markedProcesses(prefix: string): MarkedProcess[] {
  const wanted = Buffer.from(`${RUN_MARK_VARIABLE}=${prefix}`);
  const found: MarkedProcess[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${name}/environ`);
    } catch {
      continue;
    }
    const mark = markIn(environ, wanted);
    if (mark !== undefined) found.push({ pid: Number(name), pgid: groupOf(name), mark });
  }
  return found;
}

/** The value of the variable `wanted` starts (`NAME=prefix`), if one of the NUL-separated entries starts with it. */
function markIn(environ: Buffer, wanted: Buffer): string | undefined {
  let at = environ.indexOf(wanted);
  while (at !== -1) {
    if (at === 0 || environ[at - 1] === 0) {
      const end = environ.indexOf(0, at);
      return environ.toString('utf8', at + RUN_MARK_VARIABLE.length + 1, end === -1 ? environ.length : end);
    }
    at = environ.indexOf(wanted, at + 1);
  }
  return undefined;
}

/** The process group in /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
function groupOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return Number.isInteger(pgid) && pgid > 1 ? pgid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The strays among a worker's marked processes (marks `<token>.<n>`): those of runs numbered at
 * most `last` that are not `live`. A run numbered after `last` started after the question was
 * asked, so its processes are not judged.
 */
export function strays(processes: readonly MarkedProcess[], token: string, last: number, live: ReadonlySet<number>): MarkedProcess[] {
  return processes.filter(({ mark }) => {
    if (!mark.startsWith(`${token}.`)) return false;
    const run = Number(mark.slice(token.length + 1));
    return Number.isInteger(run) && run <= last && !live.has(run);
  });
}

/**
 * Sends `signal` to each process, and to its group when the group's leader is one of them too
 * (a group a marked process made, never one such as the worker's that a process joined).
 */
export function signalMarked(processes: readonly MarkedProcess[], signal: NodeJS.Signals): void {
  const pids = new Set(processes.map(({ pid }) => pid));
  for (const { pid, pgid } of processes)
    for (const target of pgid !== undefined && pids.has(pgid) ? [pid, -pgid] : [pid])
      try {
        process.kill(target, signal);
      } catch {
        // Gone already.
      }
}
