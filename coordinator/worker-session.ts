import type { ServerWritableStream } from '@grpc/grpc-js';
import type { RunKey } from '../src/execution/run-assignment.js';
import { runSlotId } from '../src/execution/run-assignment.js';
import { assignmentToMessage } from '../src/wire/run-codec.js';
import { keyToMessage } from '../src/wire/coordinator-codec.js';
import type { WorkItemMessage, WorkRequestMessage } from '../src/wire/coordinator-messages.js';
import type { RemoteRun, RunHolder } from './remote-run.js';

export interface WorkerIdentity {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly threads: number;
  readonly softwareVersion: string;
}

/** A registered worker: its threads, the runs it holds and the stream its work goes down. */
export class WorkerSession implements RunHolder {
  readonly runs = new Map<string, RemoteRun>();
  draining = false;
  private stream: ServerWritableStream<WorkRequestMessage, WorkItemMessage> | undefined;

  constructor(
    readonly id: string,
    readonly identity: WorkerIdentity,
  ) {}

  get name(): string {
    return `${this.identity.host}:${this.identity.pid}`;
  }

  get connected(): boolean {
    return this.stream !== undefined;
  }

  /** Threads it can take work on now: none until its work stream is open, none while it drains. */
  get free(): number {
    if (!this.stream || this.draining) return 0;
    return Math.max(0, this.identity.threads - this.runs.size);
  }

  attach(stream: ServerWritableStream<WorkRequestMessage, WorkItemMessage>): void {
    this.stream?.end();
    this.stream = stream;
    const detach = (): void => {
      if (this.stream === stream) this.stream = undefined;
    };
    stream.on('cancelled', detach);
    stream.on('close', detach);
    stream.on('error', detach);
    // Stops requested while no stream was open are sent again now.
    for (const run of this.runs.values()) if (run.stopRequested) this.stop(run.key);
  }

  assign(run: RemoteRun): void {
    run.session = this;
    this.runs.set(runSlotId(run.key), run);
    this.write({ assign: assignmentToMessage(run.assignment) });
  }

  stop(key: RunKey): void {
    this.write({ stop: keyToMessage(key) });
  }

  release(run: RemoteRun): void {
    const id = runSlotId(run.key);
    if (this.runs.get(id) === run) this.runs.delete(id);
  }

  close(): void {
    this.stream?.end();
    this.stream = undefined;
  }

  private write(item: WorkItemMessage): void {
    // Without a stream the item is not lost: assignments only go to connected workers, and
    // stop requests are sent again on attach.
    this.stream?.write(item);
  }
}
