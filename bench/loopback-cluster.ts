import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChannelCredentials } from '@grpc/grpc-js';
import { CoordinatorClient } from '../src/rpc/coordinator-client.js';
import type { StatusReply } from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { CliChild } from './cli-child.js';

export interface LoopbackClusterOptions {
  /** Where the store and the processes' log files go. */
  readonly directory: string;
  /** The coordinator's store: default a SQLite file in `directory`; a PostgreSQL URL keeps its checkpoints there. */
  readonly db?: string;
  readonly workers: number;
  /** Each worker's `--threads`: runs it takes at once. */
  readonly threads: number;
  readonly logLevel: string;
  /** Where the workers put a command task's run logs (`sweeper worker --logs`); default: the temp dir's sweeper-logs. */
  readonly runLogs?: string;
  /** Node flags for the coordinator process, e.g. --cpu-prof. */
  readonly coordinatorNodeArgs?: readonly string[];
  /** Node flags for each worker process. */
  readonly workerNodeArgs?: readonly string[];
  /**
   * Simulated workers instead of `sweeper worker` processes (bench:scale): `workers` WorkerAgents
   * with synthetic runs, each with a connection of its own, at most this many per process.
   */
  readonly simulatedPerProcess?: number;
}

/** bench/simulated-workers.ts, compiled beside this file. */
const SIMULATED_MAIN = fileURLToPath(new URL('./simulated-workers.js', import.meta.url));

/** How long a process gets to start, and to drain and exit when stopped. */
const START_MS = 30_000;
const STOP_MS = 15_000;

/**
 * A real deployment on this machine's loopback: a `sweeper coordinator` process with a fresh
 * store and `sweeper worker` processes connected to it, as a user starts them from shells, and a
 * client of the coordinator's gRPC service for the benchmark to submit and watch through.
 */
export class LoopbackCluster {
  private constructor(
    readonly address: string,
    readonly storePath: string,
    readonly client: CoordinatorClient,
    private readonly coordinator: CliChild,
    private readonly workers: readonly CliChild[],
  ) {}

  static async start(options: LoopbackClusterOptions): Promise<LoopbackCluster> {
    const storePath = options.db ?? join(options.directory, 'sweeper.db');
    const log = (name: string): string[] => ['--log-file', join(options.directory, `${name}.log`), '--log-level', options.logLevel];
    const checkpoints = options.db === undefined ? [] : ['--checkpoints', join(options.directory, 'checkpoints')];
    const coordinator = new CliChild(
      'coordinator',
      ['coordinator', '--db', storePath, ...checkpoints, '--listen', '127.0.0.1:0', '--drain-timeout', '5', ...log('coordinator')],
      options.coordinatorNodeArgs,
    );
    const workers: CliChild[] = [];
    try {
      const [, address] = (await coordinator.waitForLine(/coordinator listening on (\S+)/, START_MS)) as [string, string];
      const perProcess = options.simulatedPerProcess;
      for (let first = 0; perProcess !== undefined && first < options.workers; first += perProcess) {
        const count = Math.min(perProcess, options.workers - first);
        const args = ['--coordinator', address, '--workers', String(count), '--slots', String(options.threads)];
        workers.push(new CliChild(`simulated workers ${first + 1}-${first + count}`, args, options.workerNodeArgs, SIMULATED_MAIN));
      }
      for (let i = 0; perProcess === undefined && i < options.workers; i++) {
        workers.push(
          new CliChild(
            `worker ${i + 1}`,
            [
              'worker',
              '--coordinator',
              address,
              '--threads',
              String(options.threads),
              ...(options.runLogs !== undefined ? ['--logs', options.runLogs] : []),
              ...log(`worker-${i + 1}`),
            ],
            options.workerNodeArgs,
          ),
        );
      }
      const client = new CoordinatorClient({ address, credentials: ChannelCredentials.createInsecure() });
      const cluster = new LoopbackCluster(address, storePath, client, coordinator, workers);
      await cluster.waitForWorkers(options.workers * options.threads, START_MS + 100 * options.workers);
      return cluster;
    } catch (error) {
      await Promise.all([...workers, coordinator].map((child) => child.stop(STOP_MS)));
      throw error;
    }
  }

  /**
   * Resolves once the study has finished `budget` trials (or ended otherwise), polling every
   * `pollMs`; `onPoll` is told how many trials have finished at each poll.
   */
  async waitForStudy(study: string, budget: number, pollMs: number, timeoutMs: number, onPoll?: (finished: number) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const summary = (await this.client.status()).studies.find((s) => s.name === study);
      if (!summary) throw new Error(`the coordinator does not list study ${study}`);
      onPoll?.(summary.complete + summary.pruned + summary.failed);
      if (summary.complete + summary.pruned + summary.failed >= budget && summary.running === 0) return;
      if (!summary.active)
        throw this.coordinator.failure(
          `stopped study ${study} at ${summary.complete + summary.pruned + summary.failed} of ${budget} trials`,
        );
      if (Date.now() > deadline) throw new Error(`study ${study} did not finish within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * CPU seconds used so far by the coordinator, by all the workers together, and by the workers'
   * children that have ended (a command task's programs, counted once each worker has reaped them;
   * undefined without /proc).
   */
  cpuSeconds(): { coordinator: number; workers: number; workerChildren: number } | undefined {
    const coordinator = this.coordinator.cpuSeconds();
    const workers = this.workers.map((worker) => worker.cpuSeconds());
    const children = this.workers.map((worker) => worker.childrenCpuSeconds());
    if (coordinator === undefined || [...workers, ...children].some((seconds) => seconds === undefined)) return undefined;
    const sum = (list: (number | undefined)[]): number => list.reduce<number>((total, seconds) => total + (seconds ?? 0), 0);
    return { coordinator, workers: sum(workers), workerChildren: sum(children) };
  }

  /** The coordinator's resident memory in bytes (undefined without /proc). */
  coordinatorRss(): number | undefined {
    return this.coordinator.rssBytes();
  }

  /** Workers first (nothing is running by then), then the coordinator: each drains and exits as on Ctrl-C. */
  async stop(): Promise<void> {
    this.client.close();
    await Promise.all(this.workers.map((worker) => worker.stop(STOP_MS)));
    await this.coordinator.stop(STOP_MS);
  }

  /** Until every worker has registered and opened its work stream: before that, submitted trials would wait for threads. */
  private async waitForWorkers(threads: number, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    let status: StatusReply | undefined;
    for (;;) {
      try {
        status = await this.client.status();
        const connected = status.workers.filter((worker) => worker.connected).reduce((sum, worker) => sum + worker.threads, 0);
        if (connected >= threads) return;
      } catch {
        // The server may not answer for the first few milliseconds.
      }
      if (Date.now() > deadline) {
        const failed = this.workers.find((worker) => worker.exitCode !== null);
        throw (failed ?? this.coordinator).failure(`: only ${status?.workers.length ?? 0} workers connected within ${ms / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
