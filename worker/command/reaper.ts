/**
 * The reaper: a small process a CommandExecutor starts beside itself. Each run's process group
 * is detached from the worker (so it can be stopped as a whole), which also means it would
 * outlive a worker killed by SIGKILL. The executor tells the reaper on its stdin about every
 * group, "+<pgid> <graceMs>" when a run starts and "-<pgid>" when it ends; when stdin reaches
 * end of file (the worker exited, however it died) the reaper SIGTERMs every group still
 * registered, waits the longest grace, SIGKILLs them, and exits.
 */
import { createInterface } from 'node:readline';

const groups = new Map<number, number>();

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone already.
  }
}

// Ctrl-C reaches the whole terminal's process group, the reaper too: the worker drains its runs
// itself then, and the reaper must live on until the worker is gone.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const match = /^([+-])(\d+)(?: (\d+))?$/.exec(line.trim());
  if (match === null) return;
  const pgid = Number(match[2]);
  if (match[1] === '+') groups.set(pgid, Number(match[3] ?? 0));
  else groups.delete(pgid);
});
lines.on('close', () => {
  if (groups.size === 0) process.exit(0);
  for (const pgid of groups.keys()) signalGroup(pgid, 'SIGTERM');
  const graceMs = Math.max(...groups.values());
  setTimeout(() => {
    for (const pgid of groups.keys()) signalGroup(pgid, 'SIGKILL');
    process.exit(0);
  }, graceMs);
});
