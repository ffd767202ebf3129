import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LoopbackCluster } from './loopback-cluster.js';
import { readTimeline, type TrialTimeline } from './trial-timeline.js';

export interface ClusterRunOptions {
  /** The sweep file's text, submitted as `sweeper submit FILE` sends it (any task: synthetic, command, ...). */
  readonly sweepYaml: string;
  readonly studyName: string;
  readonly trials: number;
  readonly workers: number;
  readonly threads: number;
  readonly logLevel: string;
  /** Writes V8 CPU profiles (node --cpu-prof) of the coordinator into DIR/coordinator, of the workers into DIR/workers. */
  readonly cpuProfDir?: string;
  /** Gives up (and fails the benchmark) after this long. */
  readonly timeoutMs: number;
}

export interface ClusterRunResult {
  /** From just before the Submit call to the end of the last trial, as the store recorded it. */
  readonly wallMs: number;
  /** From just before the Submit call to the first trial's start. */
  readonly firstStartMs: number;
  readonly timeline: TrialTimeline;
  /**
   * CPU milliseconds per trial spent between the submit and the end, by the coordinator, by all
   * workers, and by the workers' ended child processes (a command task's programs; undefined without /proc).
   */
  readonly cpuMsPerTrial?: { readonly coordinator: number; readonly workers: number; readonly workerChildren: number };
}

/** Node's flags for a CPU profile, written when the process exits (the cluster stops them with SIGTERM, so they do). */
function cpuProf(directory: string, kind: string): string[] {
  return ['--cpu-prof', '--cpu-prof-dir', join(resolve(directory), kind)];
}

/**
 * Our side of a distributed benchmark: a fresh coordinator and workers on loopback, the study
 * submitted through the coordinator's gRPC service (what `sweeper submit` sends), its end seen
 * through the Status call (what `sweeper status` asks), its timing read from the store.
 * Starting the processes is not timed: they are up and connected before the submit.
 */
export async function runOnCluster(options: ClusterRunOptions): Promise<ClusterRunResult> {
  const directory = mkdtempSync(join(tmpdir(), 'sweeper-bench-cluster-'));
  try {
    const cluster = await LoopbackCluster.start({
      directory,
      workers: options.workers,
      threads: options.threads,
      logLevel: options.logLevel,
      // A command task's run logs, deleted with the rest.
      runLogs: join(directory, 'run-logs'),
      ...(options.cpuProfDir !== undefined && {
        coordinatorNodeArgs: cpuProf(options.cpuProfDir, 'coordinator'),
        workerNodeArgs: cpuProf(options.cpuProfDir, 'workers'),
      }),
    });
    let submittedAt: number;
    let cpuBefore: ReturnType<LoopbackCluster['cpuSeconds']>;
    let cpuAfter: ReturnType<LoopbackCluster['cpuSeconds']>;
    try {
      cpuBefore = cluster.cpuSeconds();
      submittedAt = Date.now();
      await cluster.client.submit({ sweepYaml: options.sweepYaml, fileName: `${options.studyName}.yaml`, study: options.studyName });
      // Polling only says when to stop; the store says when it finished. A poll every 250 ms costs the coordinator one small query.
      await cluster.waitForStudy(options.studyName, options.trials, 250, options.timeoutMs);
      cpuAfter = cluster.cpuSeconds();
    } finally {
      await cluster.stop();
    }
    const timeline = await readTimeline(cluster.storePath, options.studyName);
    const finished = timeline.counts.COMPLETE + timeline.counts.PRUNED + timeline.counts.FAILED;
    if (timeline.counts.COMPLETE !== options.trials) {
      throw new Error(
        `expected ${options.trials} COMPLETE trials, but the store has ${timeline.counts.COMPLETE} (${finished} finished, ${timeline.counts.FAILED} FAILED)`,
      );
    }
    const cpuMsPerTrial = cpuBefore &&
      cpuAfter && {
        coordinator: ((cpuAfter.coordinator - cpuBefore.coordinator) * 1000) / options.trials,
        workers: ((cpuAfter.workers - cpuBefore.workers) * 1000) / options.trials,
        workerChildren: ((cpuAfter.workerChildren - cpuBefore.workerChildren) * 1000) / options.trials,
      };
    return {
      wallMs: timeline.lastFinishMs - submittedAt,
      firstStartMs: timeline.firstStartMs - submittedAt,
      timeline,
      ...(cpuMsPerTrial && { cpuMsPerTrial }),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
