import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  ChannelCredentials,
  Metadata,
  makeGenericClientConstructor,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import type { RunAssignment, RunKey } from '../../src/execution/run-assignment.js';
import { CoordinatorClient } from '../../src/rpc/coordinator-client.js';
import { grpcServiceDefinition } from '../../src/rpc/grpc-service-definition.js';
import { PROTOCOL_VERSION } from '../../src/rpc/protocol-version.js';
import {
  reportReplyFromMessage,
  workItemFromMessage,
  type EventResult,
  type RegisterReply,
  type RunEvent,
  type WorkItem,
} from '../../src/wire/coordinator-codec.js';
import {
  Coordinator,
  ReportRequestSchema,
  type ReportReply,
  type RunEventSchema,
  type WorkItem as WorkItemMessage,
} from '../../src/wire/gen/sweeper/v1/coordinator_pb.js';

/**
 * A worker driven by hand through the real gRPC client: it registers, receives its work stream,
 * and sends exactly the heartbeats and reports a test tells it to (or none, to play dead).
 * `reportRaw` sends messages as given, bypassing the codecs, for what no real worker would send.
 */
export class FakeWorker {
  readonly client: CoordinatorClient;
  readonly items: WorkItem[] = [];
  /** Assignments delivered by the current session's work stream, as a real worker counts them. */
  assignmentsReceived = 0;
  session = '';
  private stream: ClientReadableStream<WorkItemMessage> | undefined;
  private waiters: (() => void)[] = [];
  private readonly raw: Client & Record<string, unknown>;
  /** Registers as a worker that answers log requests (the test answers them by hand). */
  private readonly servesLogs: boolean;
  /** The host it registers as: the coordinator names it `host:1`. */
  private readonly host: string;

  constructor(
    address: string,
    options: { token?: string; credentials?: ChannelCredentials; servesLogs?: boolean; host?: string } = {},
    readonly workerId = `fake-${Math.random().toString(36).slice(2, 10)}`,
  ) {
    const credentials = options.credentials ?? ChannelCredentials.createInsecure();
    this.servesLogs = options.servesLogs ?? false;
    this.host = options.host ?? 'fakehost';
    this.client = new CoordinatorClient({
      address,
      credentials,
      ...(options.token !== undefined && { token: options.token }),
      timeoutMs: 5_000,
    });
    const RawClient = makeGenericClientConstructor(grpcServiceDefinition(Coordinator), 'Coordinator');
    this.raw = new RawClient(address, credentials);
  }

  async register(threads = 1, running: RunKey[] = [], protocolVersion = PROTOCOL_VERSION): Promise<RegisterReply> {
    const reply = await this.client.register({
      protocolVersion,
      workerId: this.workerId,
      host: this.host,
      pid: 1,
      threads,
      running,
      softwareVersion: 'test',
      servesLogs: this.servesLogs,
    });
    this.session = reply.session;
    this.assignmentsReceived = 0;
    return reply;
  }

  /** Opens the work stream; items collect in `items`. */
  openWork(): void {
    this.stream = this.client.work(this.session);
    this.stream.on('data', (message: WorkItemMessage) => {
      if (message.item.case === 'assign') this.assignmentsReceived++;
      this.items.push(workItemFromMessage(message));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.stream.on('error', () => undefined);
  }

  /** The next assignment not yet taken, waiting for one to arrive. */
  async nextAssignment(timeoutMs = 10_000): Promise<RunAssignment> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.items.findIndex((item) => item.type === 'assign');
      if (index >= 0) {
        const [item] = this.items.splice(index, 1);
        if (item?.type === 'assign') return item.assignment;
      }
      if (Date.now() > deadline) throw new Error(`worker ${this.workerId} got no assignment within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * A heartbeat listing `running`. By default it claims no assignment received, as a worker
   * older than the field does: the coordinator then cannot tell a dropped run from one in flight.
   */
  heartbeat(running: RunKey[] = [], draining = false, assignmentsReceived = 0): ReturnType<CoordinatorClient['heartbeat']> {
    return this.client.heartbeat({ session: this.session, running, draining, assignmentsReceived });
  }

  /** Sends empty heartbeats every `intervalMs` until the returned function is called. */
  keepAlive(intervalMs: number): () => void {
    const timer = setInterval(() => void this.heartbeat().catch(() => undefined), intervalMs);
    return () => clearInterval(timer);
  }

  report(events: RunEvent[]): Promise<EventResult[]> {
    return this.client.report({ session: this.session, events });
  }

  /** Sends events exactly as given: malformed ones included. */
  reportRaw(events: MessageInitShape<typeof RunEventSchema>[], session = this.session): Promise<EventResult[]> {
    const method = this.raw[Coordinator.method.report.name] as (
      request: unknown,
      metadata: Metadata,
      callback: (error: ServiceError | null, reply?: ReportReply) => void,
    ) => void;
    return new Promise((resolve, reject) => {
      method.call(this.raw, create(ReportRequestSchema, { session, events }), new Metadata(), (error, reply) => {
        if (error || !reply) reject(error ?? new Error('no reply'));
        else resolve(reportReplyFromMessage(reply));
      });
    });
  }

  close(): void {
    this.stream?.cancel();
    this.client.close();
    this.raw.close();
  }
}

export function keyOf(assignment: RunAssignment): RunKey {
  return { study: assignment.study, trialNumber: assignment.trialNumber, attempt: assignment.attempt, repeat: assignment.repeat };
}

export function epochEvent(run: RunKey, epoch: number, valAccuracy: number): RunEvent {
  return { run, type: 'epoch', report: { epoch, metrics: { valAccuracy, valLoss: 1 - valAccuracy, trainLoss: 1 - valAccuracy } } };
}

export function finishedEvent(run: RunKey, epochs: number): RunEvent {
  return { run, type: 'end', outcome: { status: 'finished', epochs, trainSeconds: 0.1 } };
}

export function stoppedEvent(run: RunKey, epochs: number): RunEvent {
  return { run, type: 'end', outcome: { status: 'stopped', epochs, trainSeconds: 0 } };
}
