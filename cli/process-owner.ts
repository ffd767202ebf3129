import { hostname } from 'node:os';
import type { StudyOwner } from '../src/store/records.js';

/**
 * This process, as recorded on the studies it runs: for people to read, not to judge whether it
 * is alive (in containers every process may be PID 1, and the host changes when a pod moves).
 * The store's study locks judge that.
 */
export function thisProcess(role: string): StudyOwner {
  return { id: `${role}@${hostname()}:${process.pid}:${Date.now()}`, host: hostname(), pid: process.pid };
}
