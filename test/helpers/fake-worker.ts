import { ChannelCredentials, type ClientReadableStream } from '@grpc/grpc-js';
import { CoordinatorClient } from '../../src/rpc/coordinator-client.js';
import { PROTOCOL_VERSION } from '../../src/rpc/protocol-version.js';
import type { RegisterReplyMessage, RunEventMessage, RunKeyMessage, WorkItemMessage } from '../../src/wire/coordinator-messages.js';
import type { RunAssignmentMessage } from '../../src/wire/run-messages.js';

/**
 * A worker driven by hand through the real gRPC client: it registers, receives its work stream,
 * and sends exactly the heartbeats and reports a test tells it to (or none, to play dead).
 */
export class FakeWorker {
  readonly client: CoordinatorClient;
  readonly items: WorkItemMessage[] = [];
  session = '';
  private stream: ClientReadableStream<WorkItemMessage> | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    address: string,
    options: { token?: string; credentials?: ChannelCredentials } = {},
    readonly workerId = `fake-${Math.random().toString(36).slice(2, 10)}`,
  ) {
    this.client = new CoordinatorClient({ address, credentials: options.credentials ?? ChannelCredentials.createInsecure(), ...(options.token !== undefined && { token: options.token }), timeoutMs: 5_000 });
  }

  async register(threads = 1, running: RunKeyMessage[] = [], protocolVersion = PROTOCOL_VERSION): Promise<RegisterReplyMessage> {
    const reply = await this.client.register({ protocol_version: protocolVersion, worker_id: this.workerId, host: 'fakehost', pid: 1, threads, running, software_version: 'test' });
    this.session = reply.session;
    return reply;
  }

  /** Opens the work stream; items collect in `items`. */
  openWork(): void {
    this.stream = this.client.work({ session: this.session });
    this.stream.on('data', (item: WorkItemMessage) => {
      this.items.push(item);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.stream.on('error', () => undefined);
  }

  /** The next assignment not yet taken, waiting for one to arrive. */
  async nextAssignment(timeoutMs = 10_000): Promise<RunAssignmentMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.items.findIndex((item) => 'assign' in item && item.assign);
      if (index >= 0) {
        const [item] = this.items.splice(index, 1);
        return (item as { assign: RunAssignmentMessage }).assign;
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

  heartbeat(running: RunKeyMessage[] = [], draining = false): ReturnType<CoordinatorClient['heartbeat']> {
    return this.client.heartbeat({ session: this.session, running, draining });
  }

  /** Sends empty heartbeats every `intervalMs` until the returned function is called. */
  keepAlive(intervalMs: number): () => void {
    const timer = setInterval(() => void this.heartbeat().catch(() => undefined), intervalMs);
    return () => clearInterval(timer);
  }

  report(events: RunEventMessage[]): ReturnType<CoordinatorClient['report']> {
    return this.client.report({ session: this.session, events });
  }

  close(): void {
    this.stream?.cancel();
    this.client.close();
  }
}

export function keyOf(assignment: RunAssignmentMessage): RunKeyMessage {
  return { study: assignment.study, trial_number: assignment.trial_number, attempt: assignment.attempt, repeat: assignment.repeat };
}

export function epochEvent(run: RunKeyMessage, epoch: number, valAccuracy: number): RunEventMessage {
  return { run, epoch: { epoch, metrics: { val_accuracy: valAccuracy, val_loss: 1 - valAccuracy, train_loss: 1 - valAccuracy } } };
}

export function finishedEvent(run: RunKeyMessage, epochs: number): RunEventMessage {
  return { run, end: { finished: { epochs, train_seconds: 0.1 } } };
}
