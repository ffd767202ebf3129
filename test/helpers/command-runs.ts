import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochReport } from '../../src/core/run-report.js';
import type { EpochDecision, RunAssignment } from '../../src/execution/run-assignment.js';
import type { RunListener } from '../../src/execution/trial-executor.js';
import type { CommandTask } from '../../src/user-code/command-task.js';

/** Writes an executable script (`#!/bin/sh` unless the body has its own first line) into `dir`. */
export function program(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body.startsWith('#!') ? body : `#!/bin/sh\n${body}`);
  chmodSync(path, 0o755);
  return path;
}

export function commandAssignment(
  task: Partial<CommandTask> & Pick<CommandTask, 'argv'>,
  params: RunAssignment['params'] = { lr: 0.01 },
): RunAssignment {
  return {
    study: 'command test/study',
    trialNumber: 3,
    attempt: 2,
    repeat: 1,
    seed: 77,
    params,
    task: { type: 'command', graceSeconds: 1, ...task },
    objective: { metric: 'val_loss', direction: 'minimize' },
  };
}

/** A listener that records reports and answers with `decide`. */
export function recorder(decide: (report: EpochReport) => EpochDecision = () => 'continue'): {
  reports: EpochReport[];
  listener: RunListener;
} {
  const reports: EpochReport[] = [];
  return {
    reports,
    listener: {
      onEpoch: (report) => {
        reports.push(report);
        return decide(report);
      },
    },
  };
}

export const never = (): AbortSignal => new AbortController().signal;

/** Whether a process (or, with a negative id, a process group) still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it holds or `timeoutMs` passes; returns its last answer. */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp. */
function procStat(pid: string): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Whether a process runs (a zombie nobody has reaped yet counts as gone: it does nothing). */
export function running(pid: number): boolean {
  const stat = procStat(String(pid));
  return stat !== undefined && stat.state !== 'Z';
}

/** The live (non-zombie) processes of a process group, from /proc. */
export function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      const stat = procStat(name);
      return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
    })
    .map(Number);
}
