import { create, type MessageShape } from '@bufbuild/protobuf';
import {
  makeGenericClientConstructor,
  Metadata,
  status as Status,
  type CallOptions,
  type ChannelCredentials,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientWritableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import {
  heartbeatReplyFromMessage,
  heartbeatToMessage,
  logChunkToMessage,
  logsReplyFromMessage,
  logsRequestToMessage,
  registerReplyFromMessage,
  registerToMessage,
  reportReplyFromMessage,
  reportToMessage,
  submitReplyFromMessage,
  submitToMessage,
  workRequestToMessage,
  type EventResult,
  type HeartbeatRequest,
  type LogChunk,
  type LogsReply,
  type LogsRequest,
  type RegisterReply,
  type RegisterRequest,
  type ReportRequest,
  type SubmitReply,
  type SubmitRequest,
} from '../wire/coordinator-codec.js';
import {
  Coordinator,
  StatusRequestSchema,
  type ReportReply as ReportReplyMessage,
  type ReportRequest as ReportRequestMessage,
  type StatusReply,
  type WorkItem as WorkItemMessage,
} from '../wire/gen/sweeper/v1/coordinator_pb.js';
import type { ResumePoint, RunKey } from '../execution/run-assignment.js';
import { CheckpointAssembly } from '../wire/checkpoint-assembly.js';
import {
  checkpointPieceFromMessage,
  checkpointPieces,
  checkpointPieceToMessage,
  loadCheckpointRequestToMessage,
} from '../wire/checkpoint-piece-codec.js';
import type { CheckpointPiece as CheckpointPieceMessage } from '../wire/gen/sweeper/v1/coordinator_pb.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { bearer, TOKEN_METADATA_KEY } from './auth-token.js';
import { grpcServiceDefinition } from './grpc-service-definition.js';
import { ReportStream } from './report-stream.js';

export interface CoordinatorClientOptions {
  /** The coordinator, or several (a leader and its standbys, on one PostgreSQL store) comma-separated. */
  readonly address: string;
  readonly credentials: ChannelCredentials;
  readonly token?: string;
  /** Deadline of each unary call. */
  readonly timeoutMs?: number;
  /**
   * A connection of its own: grpc-js otherwise shares one per target between the clients of a
   * process, and a process that hosts many simulated workers (bench:scale) would be one connection.
   */
  readonly ownConnection?: boolean;
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, reply?: unknown) => void,
) => void;
type Methods = typeof Coordinator.method;
type Unary = { [K in keyof Methods]: Methods[K]['methodKind'] extends 'unary' ? K : never }[keyof Methods];

let ClientConstructor: ReturnType<typeof makeGenericClientConstructor> | undefined;

/**
 * A typed client of the Coordinator service, for workers and for `sweeper submit` / `status`:
 * it takes and gives the TypeScript shapes, encoding and checking them with src/wire's codecs.
 * It adds the token to every call and a deadline to every unary one.
 */
export class CoordinatorClient {
  /** The coordinators it may talk to: one leads, the others (standbys) do not listen until they do. */
  readonly addresses: readonly string[];
  private readonly clients: (Client & Record<string, unknown>)[] = [];
  private current = 0;
  private readonly metadata = new Metadata();
  private readonly timeoutMs: number;
  /** Reports to the current coordinator, on one stream; undefined until the first. */
  private reportStream: ReportStream | undefined;
  /** The current coordinator has no Reports (an older one): reports go as unary Report calls. */
  private unaryReports = false;

  constructor(private readonly options: CoordinatorClientOptions) {
    ClientConstructor ??= makeGenericClientConstructor(grpcServiceDefinition(Coordinator), 'Coordinator');
    this.addresses = options.address.split(',');
    if (options.token !== undefined) this.metadata.set(TOKEN_METADATA_KEY, bearer(options.token));
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The coordinator the calls go to now. */
  get address(): string {
    return this.addresses[this.current] as string;
  }

  /**
   * Calls go to the next coordinator of the list from now on: a worker moves on when it cannot
   * reach (or register with) the one it had, until it finds the one that leads.
   */
  failover(): void {
    this.current = (this.current + 1) % this.addresses.length;
    this.reportStream?.close();
    this.reportStream = undefined;
    this.unaryReports = false;
  }

  private get client(): Client & Record<string, unknown> {
    const constructor = ClientConstructor as ReturnType<typeof makeGenericClientConstructor>;
    this.clients[this.current] ??= new constructor(this.address, this.options.credentials, {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2_000,
      'grpc.enable_retries': 0,
      // Channelz (gRPC's introspection, which nothing here reads) counts every call and message.
      'grpc.enable_channelz': 0,
      ...(this.options.ownConnection && { 'grpc.use_local_subchannel_pool': 1 }),
    }) as Client & Record<string, unknown>;
    return this.clients[this.current] as Client & Record<string, unknown>;
  }

  async register(request: RegisterRequest): Promise<RegisterReply> {
    return registerReplyFromMessage(await this.unary('register', registerToMessage(request)));
  }

  async heartbeat(request: HeartbeatRequest, timeoutMs?: number): Promise<RunKey[]> {
    return heartbeatReplyFromMessage(await this.unary('heartbeat', heartbeatToMessage(request), timeoutMs));
  }

  /**
   * One answer per event, in order. On the Reports stream (the caller sends one request at a time),
   * or as a unary Report call to a coordinator that has no Reports.
   */
  async report(request: ReportRequest): Promise<EventResult[]> {
    const message = reportToMessage(request);
    if (!this.unaryReports) {
      try {
        return reportReplyFromMessage(await this.reports().send(message));
      } catch (error) {
        if ((error as ServiceError).code !== Status.UNIMPLEMENTED) throw error;
        this.unaryReports = true;
      }
    }
    return reportReplyFromMessage(await this.unary('report', message));
  }

  private reports(): ReportStream {
    this.reportStream ??= new ReportStream(() => {
      const method = this.client[Coordinator.method.reports.name] as (
        metadata: Metadata,
      ) => ClientDuplexStream<ReportRequestMessage, ReportReplyMessage>;
      return method.call(this.client, this.metadata.clone());
    }, this.timeoutMs);
    return this.reportStream;
  }

  async submit(request: SubmitRequest): Promise<SubmitReply> {
    // Moves on only from a coordinator that could not be reached: a submit that timed out may have been taken.
    return submitReplyFromMessage(await this.anywhere(() => this.unary('submit', submitToMessage(request)), [Status.UNAVAILABLE]));
  }

  status(): Promise<StatusReply> {
    return this.anywhere(() => this.unary('status', create(StatusRequestSchema)), [Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED]);
  }

  /** Answers a log request that came down the work stream. */
  async logChunk(chunk: LogChunk): Promise<void> {
    await this.unary('logChunk', logChunkToMessage(chunk));
  }

  /** A running trial's output from a byte on (`sweeper logs --follow`). */
  async logs(request: LogsRequest): Promise<LogsReply> {
    return logsReplyFromMessage(
      await this.anywhere(() => this.unary('logs', logsRequestToMessage(request)), [Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED]),
    );
  }

  /** The session's work stream; the caller decodes each item (one it cannot read is its to report). */
  work(session: string): ClientReadableStream<WorkItemMessage> {
    const method = this.client[Coordinator.method.work.name] as (
      request: unknown,
      metadata: Metadata,
    ) => ClientReadableStream<WorkItemMessage>;
    return method.call(this.client, workRequestToMessage(session), this.metadata.clone());
  }

  /**
   * Sends a run's checkpoint in pieces; resolves once the coordinator kept it. The deadline
   * grows with the bytes (a second per 4 MiB on top of the unary deadline).
   */
  saveCheckpoint(session: string, run: RunKey, epoch: number, data: Uint8Array, sha256: string): Promise<void> {
    const method = this.client[Coordinator.method.saveCheckpoint.name] as (
      metadata: Metadata,
      options: CallOptions,
      callback: (error: ServiceError | null) => void,
    ) => ClientWritableStream<CheckpointPieceMessage>;
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + this.timeoutMs + Math.ceil(data.length / (4 << 20)) * 1000;
      const stream = method.call(this.client, this.metadata.clone(), { deadline }, (error) => (error ? reject(error) : resolve()));
      for (const piece of checkpointPieces({ session, run, header: { epoch, bytes: data.length, sha256 } }, data))
        stream.write(checkpointPieceToMessage(piece));
      stream.end();
    });
  }

  /** The checkpoint a run goes on from, checked against `expected` (its assignment's). */
  loadCheckpoint(session: string, run: RunKey, expected: ResumePoint): Promise<Uint8Array> {
    const method = this.client[Coordinator.method.loadCheckpoint.name] as (
      request: unknown,
      metadata: Metadata,
      options: CallOptions,
    ) => ClientReadableStream<CheckpointPieceMessage>;
    const deadline = Date.now() + this.timeoutMs + Math.ceil(expected.bytes / (4 << 20)) * 1000;
    const stream = method.call(this.client, loadCheckpointRequestToMessage({ session, run }), this.metadata.clone(), { deadline });
    const assembly = new CheckpointAssembly(expected);
    let first = true;
    return new Promise((resolve, reject: (error: Error) => void) => {
      stream.on('data', (message: CheckpointPieceMessage) => {
        try {
          const piece = checkpointPieceFromMessage(message);
          if (first) {
            const header = piece.header;
            if (!header || header.epoch !== expected.epoch || header.bytes !== expected.bytes || header.sha256 !== expected.sha256)
              throw new InvalidArgumentError('checkpoint: the coordinator sent another checkpoint than the assignment names');
            first = false;
          }
          assembly.add(piece.data);
        } catch (error) {
          stream.cancel();
          reject(error as Error);
        }
      });
      stream.on('error', reject);
      stream.on('end', () => {
        try {
          resolve(assembly.finish());
        } catch (error) {
          reject(error as Error);
        }
      });
    });
  }

  close(): void {
    this.reportStream?.close();
    for (const client of this.clients) client?.close();
  }

  /**
   * A call made to each coordinator of the list in turn, from the current one, until one answers
   * with anything but the `moveOn` codes (it is unreachable, a standby that does not listen); the
   * one that answered stays the current one. The last failure if none did.
   */
  private async anywhere<T>(call: () => Promise<T>, moveOn: readonly Status[]): Promise<T> {
    for (let tried = 1; ; tried++) {
      try {
        return await call();
      } catch (error) {
        if (tried >= this.addresses.length || !moveOn.includes((error as ServiceError).code)) throw error;
        this.failover();
      }
    }
  }

  private unary<K extends Unary>(
    name: K,
    request: MessageShape<Methods[K]['input']>,
    timeoutMs = this.timeoutMs,
  ): Promise<MessageShape<Methods[K]['output']>> {
    const method = this.client[Coordinator.method[name].name] as UnaryMethod;
    return new Promise((resolve, reject) => {
      method.call(this.client, request, this.metadata.clone(), { deadline: Date.now() + timeoutMs }, (error, reply) => {
        if (error) reject(error);
        else resolve(reply as MessageShape<Methods[K]['output']>);
      });
    });
  }
}
