import { runCli } from './cli-process.js';
import type { SweeperProcess } from './sweeper-process.js';
import { until } from './until.js';

type Counts = Record<'QUEUED' | 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAILED', number>;

export interface StatusStudyJson {
  readonly name: string;
  readonly active: boolean;
  readonly budget: number | null;
  readonly counts: Counts;
  readonly metric: string;
  readonly direction: string;
  readonly best_value: number | null;
}

export interface StatusJson {
  readonly protocol_version: number;
  readonly workers: readonly {
    id: string;
    host: string;
    pid: number;
    threads: number;
    busy: number;
    connected: boolean;
    draining: boolean;
    silent_ms: number;
    version: string;
  }[];
  readonly runs: readonly {
    study: string;
    trial: number;
    attempt: number;
    repeat: number;
    worker: string | null;
    epoch: number;
    running_ms: number;
  }[];
  readonly studies: readonly StatusStudyJson[];
}

/** `sweeper status --json ARGS`, as a user asks it (ARGS: --coordinator and the connection options, read in `cwd`). */
export async function readStatus(args: readonly string[], cwd?: string): Promise<StatusJson> {
  const result = await runCli(['status', '--json', ...args], { cwd });
  if (result.code !== 0) throw new Error(`sweeper status ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as StatusJson;
}

export function finishedCount(study: StatusStudyJson): number {
  return study.counts.COMPLETE + study.counts.PRUNED + study.counts.FAILED;
}

/** Its budget's trials are finished and nothing of it runs or waits. */
export function isFinished(study: StatusStudyJson): boolean {
  return study.budget !== null && finishedCount(study) >= study.budget && study.counts.RUNNING === 0 && study.counts.QUEUED === 0;
}

/**
 * Throws at once when the cluster cannot finish what it was given: a process exited, the
 * coordinator refused a call or a report (its own workers' are never bad input), or anyone logged
 * an error. Without this, such a cluster would only show as a study that never ends.
 */
export function checkCluster(coordinator: SweeperProcess, workers: readonly SweeperProcess[]): void {
  for (const proc of [coordinator, ...workers]) proc.assertRunning('while the cluster was working');
  // 'refused a call' (a whole call) or 'refused a report' (one event of a batch).
  const refused = coordinator.logLines().find((line) => typeof line.msg === 'string' && line.msg.startsWith('refused '));
  if (refused)
    throw new Error(
      `the coordinator refused a call from a worker: ${JSON.stringify(refused)}\n${[coordinator, ...workers].map((p) => p.tail(8)).join('\n')}`,
    );
  for (const proc of [coordinator, ...workers]) {
    const error = proc.logLines().find((line) => typeof line.level === 'number' && line.level >= 50);
    if (error) throw new Error(`${proc.name} logged an error: ${JSON.stringify(error)}`);
  }
}

/**
 * Asks `sweeper status --json` once a second until every study in `studies` is finished, and
 * returns the last answer. No deadline of its own (the test's timeout bounds it); `checkCluster`
 * runs every round.
 */
export function waitForStudies(
  args: readonly string[],
  studies: readonly string[],
  options: { signal: AbortSignal; coordinator: SweeperProcess; workers: readonly SweeperProcess[]; cwd?: string },
): Promise<StatusJson> {
  return until(
    async () => {
      const status = await readStatus(args, options.cwd);
      return studies.every((name) => status.studies.some((s) => s.name === name && isFinished(s))) && status;
    },
    {
      what: `studies ${studies.join(', ')} to finish`,
      signal: options.signal,
      intervalMs: 1000,
      check: () => checkCluster(options.coordinator, options.workers),
    },
  );
}
