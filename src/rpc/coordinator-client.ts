import { Metadata, type CallOptions, type ChannelCredentials, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import type {
  HeartbeatReplyMessage,
  HeartbeatRequestMessage,
  RegisterReplyMessage,
  RegisterRequestMessage,
  ReportReplyMessage,
  ReportRequestMessage,
  StatusReplyMessage,
  SubmitReplyMessage,
  SubmitRequestMessage,
  WorkItemMessage,
  WorkRequestMessage,
} from '../wire/coordinator-messages.js';
import { bearer, TOKEN_METADATA_KEY } from './auth-token.js';
import { loadCoordinatorService } from './load-coordinator-service.js';

export interface CoordinatorClientOptions {
  readonly address: string;
  readonly credentials: ChannelCredentials;
  readonly token?: string;
  /** Deadline of each unary call. */
  readonly timeoutMs?: number;
}

type UnaryMethod<Request, Reply> = (request: Request, metadata: Metadata, options: CallOptions, callback: (error: ServiceError | null, reply?: Reply) => void) => void;

/**
 * A typed client of the Coordinator service, for workers and for `sweeper submit` / `status`.
 * It adds the token to every call and a deadline to every unary one.
 */
export class CoordinatorClient {
  private readonly client: Client & Record<string, unknown>;
  private readonly metadata = new Metadata();
  private readonly timeoutMs: number;

  constructor(options: CoordinatorClientOptions) {
    const { Client: Constructor } = loadCoordinatorService();
    this.client = new Constructor(options.address, options.credentials, {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2_000,
      'grpc.enable_retries': 0,
    });
    if (options.token !== undefined) this.metadata.set(TOKEN_METADATA_KEY, bearer(options.token));
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  register(request: RegisterRequestMessage): Promise<RegisterReplyMessage> {
    return this.unary('Register', request);
  }

  heartbeat(request: HeartbeatRequestMessage, timeoutMs?: number): Promise<HeartbeatReplyMessage> {
    return this.unary('Heartbeat', request, timeoutMs);
  }

  report(request: ReportRequestMessage): Promise<ReportReplyMessage> {
    return this.unary('Report', request);
  }

  submit(request: SubmitRequestMessage): Promise<SubmitReplyMessage> {
    return this.unary('Submit', request);
  }

  status(): Promise<StatusReplyMessage> {
    return this.unary('Status', {});
  }

  work(request: WorkRequestMessage): ClientReadableStream<WorkItemMessage> {
    const method = this.client.Work as (request: WorkRequestMessage, metadata: Metadata) => ClientReadableStream<WorkItemMessage>;
    return method.call(this.client, request, this.metadata.clone());
  }

  close(): void {
    this.client.close();
  }

  private unary<Request, Reply>(name: string, request: Request, timeoutMs = this.timeoutMs): Promise<Reply> {
    const method = this.client[name] as UnaryMethod<Request, Reply>;
    return new Promise<Reply>((resolve, reject) => {
      method.call(this.client, request, this.metadata.clone(), { deadline: Date.now() + timeoutMs }, (error, reply) => {
        if (error) reject(error);
        else resolve(reply as Reply);
      });
    });
  }
}
