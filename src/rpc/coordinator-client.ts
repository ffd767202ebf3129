import { create, type MessageShape } from '@bufbuild/protobuf';
import {
  makeGenericClientConstructor,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type Client,
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

export interface CoordinatorClientOptions {
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
  private readonly client: Client & Record<string, unknown>;
  private readonly metadata = new Metadata();
  private readonly timeoutMs: number;

  constructor(options: CoordinatorClientOptions) {
    ClientConstructor ??= makeGenericClientConstructor(grpcServiceDefinition(Coordinator), 'Coordinator');
    this.client = new ClientConstructor(options.address, options.credentials, {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2_000,
      'grpc.enable_retries': 0,
      ...(options.ownConnection && { 'grpc.use_local_subchannel_pool': 1 }),
    });
    if (options.token !== undefined) this.metadata.set(TOKEN_METADATA_KEY, bearer(options.token));
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async register(request: RegisterRequest): Promise<RegisterReply> {
    return registerReplyFromMessage(await this.unary('register', registerToMessage(request)));
  }

  async heartbeat(request: HeartbeatRequest, timeoutMs?: number): Promise<RunKey[]> {
    return heartbeatReplyFromMessage(await this.unary('heartbeat', heartbeatToMessage(request), timeoutMs));
  }

  /** One answer per event, in order. */
  async report(request: ReportRequest): Promise<EventResult[]> {
    return reportReplyFromMessage(await this.unary('report', reportToMessage(request)));
  }

  async submit(request: SubmitRequest): Promise<SubmitReply> {
    return submitReplyFromMessage(await this.unary('submit', submitToMessage(request)));
  }

  status(): Promise<StatusReply> {
    return this.unary('status', create(StatusRequestSchema));
  }

  /** Answers a log request that came down the work stream. */
  async logChunk(chunk: LogChunk): Promise<void> {
    await this.unary('logChunk', logChunkToMessage(chunk));
  }

  /** A running trial's output from a byte on (`sweeper logs --follow`). */
  async logs(request: LogsRequest): Promise<LogsReply> {
    return logsReplyFromMessage(await this.unary('logs', logsRequestToMessage(request)));
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
    this.client.close();
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
