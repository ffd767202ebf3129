import { hostname } from 'node:os';
import type { StudyOwner } from '../src/store/records.js';

/** This process, as recorded on the studies it runs. */
export function thisProcess(role: string): StudyOwner {
  return { id: `${role}@${hostname()}:${process.pid}:${Date.now()}`, host: hostname(), pid: process.pid };
}

/** Whether the process that holds a study still runs; one on another host is assumed to. */
export function isAlive(owner: StudyOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
