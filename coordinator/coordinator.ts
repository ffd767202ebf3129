import { Server } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { SweeperError } from '../src/errors/sweeper-error.js';
import { grpcServiceDefinition } from '../src/rpc/grpc-service-definition.js';
import { formatHostPort, type HostPort } from '../src/rpc/host-port.js';
import { serverCredentials, type ServerTlsFiles } from '../src/rpc/tls-files.js';
import type { StudyOwner } from '../src/store/records.js';
import type { TrialStore } from '../src/store/trial-store.js';
import { WIRE_LIMITS } from '../src/wire/coordinator-codec.js';
import { Coordinator as CoordinatorService, type StatusReply } from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { ConnectionGuard, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connection-guard.js';
import { coordinatorService } from './coordinator-service.js';
import { coordinatorStatus } from './coordinator-status.js';
import type { DatasetChecker } from './dataset-checker.js';
import { RemoteExecutor } from './remote-executor.js';
import { ReportStreams } from './report-streams.js';
import { StudyHost } from './study-host.js';

export interface CoordinatorOptions {
  readonly store: TrialStore;
  readonly listen: HostPort;
  readonly logger: Logger;
  readonly owner: StudyOwner;
  /** Take studies whose lock another live process holds (a person's decision: `--take-over`). */
  readonly takeOver?: boolean;
  /** Called for each study so taken from a process that still held it. */
  readonly onTakeOver?: (study: string, previous: StudyOwner | undefined) => void;
  readonly token?: string;
  readonly tls?: ServerTlsFiles;
  /** A worker not heard from for this long loses its runs (default 15 s). */
  readonly leaseMs?: number;
  /** How long `sweeper logs --follow` waits for a worker to send a run's output (default 5 s). */
  readonly logWaitMs?: number;
  readonly maxAttempts?: number;
  /** Open connections at most, and how long one may stay without an authorized call. */
  readonly connectionLimits?: ConnectionLimits;
  /** Checks each submitted sweep's dataset files (default: a thread per check, 5 s, 4 at once). */
  readonly datasetChecker?: DatasetChecker;
}

export const DEFAULT_LEASE_MS = 15_000;

/** Largest message the coordinator accepts: a sweep file at its limit, with room for framing. */
const MAX_RECEIVE_BYTES = WIRE_LIMITS.sweepFile + 64 * 1024;

/**
 * The coordinator process's parts: the trial store, the studies it hosts, the workers it drives
 * and the gRPC server they reach it through. Hosted studies left unfinished by an earlier
 * coordinator are resumed, and their running trials made ready to be taken back, before the
 * server accepts the first worker.
 */
export class Coordinator {
  private constructor(
    readonly address: string,
    readonly resumed: readonly string[],
    private readonly server: Server,
    private readonly executor: RemoteExecutor,
    readonly studyHost: StudyHost,
    private readonly store: TrialStore,
    private readonly guard: ConnectionGuard,
    private readonly reportStreams: ReportStreams,
  ) {}

  static async start(options: CoordinatorOptions): Promise<Coordinator> {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    const heartbeatMs = Math.max(50, Math.floor(leaseMs / 5));
    const executor = new RemoteExecutor({
      leaseMs,
      heartbeatMs,
      reclaimMs: leaseMs,
      logger: options.logger,
      ...(options.logWaitMs !== undefined && { logWaitMs: options.logWaitMs }),
    });
    const studyHost = new StudyHost({
      store: options.store,
      executor,
      logger: options.logger,
      owner: options.owner,
      ...(options.takeOver !== undefined && { takeOver: options.takeOver }),
      ...(options.onTakeOver !== undefined && { onTakeOver: options.onTakeOver }),
      ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
      ...(options.datasetChecker !== undefined && { datasetChecker: options.datasetChecker }),
    });
    const server = new Server({
      'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.http2.min_ping_interval_without_data_ms': 1_000,
      // Channelz (gRPC's introspection service, which sweeper does not serve) counts every call and message.
      'grpc.enable_channelz': 0,
    });
    const injector = server.createConnectionInjector(serverCredentials(options.tls));
    const guard = new ConnectionGuard(
      options.connectionLimits ?? DEFAULT_CONNECTION_LIMITS,
      (socket) => injector.injectConnection(socket),
      options.logger,
    );
    try {
      const resumed = await studyHost.resumeHosted();
      const onAuthorized = (peer: string): void => guard.authorized(peer);
      const reportStreams = new ReportStreams();
      server.addService(
        grpcServiceDefinition(CoordinatorService),
        coordinatorService({
          executor,
          studyHost,
          store: options.store,
          logger: options.logger,
          leaseMs,
          heartbeatMs,
          onAuthorized,
          reportStreams,
          ...(options.token !== undefined && { token: options.token }),
        }),
      );
      const port = await bind(guard, options.listen);
      const address = formatHostPort({ host: options.listen.host, port });
      options.logger.info(
        { address, tls: options.tls !== undefined, mutualTls: options.tls?.ca !== undefined, token: options.token !== undefined, resumed },
        'coordinator listening',
      );
      return new Coordinator(address, resumed, server, executor, studyHost, options.store, guard, reportStreams);
    } catch (error) {
      guard.close();
      server.forceShutdown();
      await studyHost.drain(0);
      await executor.close();
      throw error;
    }
  }

  /** Connected workers, running trials and hosted studies: what the Status RPC returns. */
  status(): Promise<StatusReply> {
    return coordinatorStatus(this.executor, this.studyHost, this.store);
  }

  /** Takes no new trials; running ones get `graceMs` to finish, then go back to the queue. */
  async drain(graceMs: number): Promise<void> {
    await this.studyHost.drain(graceMs);
    await this.close();
  }

  async close(): Promise<void> {
    await this.executor.close();
    // The server's shutdown waits for every open call, and a worker's Reports stream stays open.
    this.reportStreams.close();
    this.guard.close();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  /** Stops at once, as a crash would, but in-process (tests). */
  forceClose(): void {
    this.guard.close();
    this.server.forceShutdown();
    void this.executor.close();
  }
}

async function bind(guard: ConnectionGuard, listen: HostPort): Promise<number> {
  try {
    return await guard.listen(listen.host, listen.port);
  } catch (error) {
    throw new SweeperError('INVALID_ARGUMENT', `--listen ${formatHostPort(listen)}: cannot listen there: ${(error as Error).message}`);
  }
}
