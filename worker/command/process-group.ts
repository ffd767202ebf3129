import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Signals a whole process group (the run's leader was spawned detached, so its pid is the group
 * id): the program's own children are stopped with it. A group that is already gone is fine.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: every process of the group has exited.
  }
}

/**
 * SIGTERM to the group, then SIGKILL `graceMs` later unless the leader has exited (`exited`
 * resolved) by then. Resolves once SIGKILL was sent or the leader exited.
 */
export async function terminateGroup(pid: number, graceMs: number, exited: Promise<unknown>): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const timer = new AbortController();
  const gone = await Promise.race([exited.then(() => true), sleep(graceMs, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  if (!gone) signalGroup(pid, 'SIGKILL');
}

/** Resolves after `ms`, or at once when `until` settles first; true if `until` won. */
export async function waitAtMost(ms: number, until: Promise<unknown>): Promise<boolean> {
  const timer = new AbortController();
  const won = await Promise.race([until.then(() => true), sleep(ms, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  return won;
}
