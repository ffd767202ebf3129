import type { ServerWritableStream } from '@grpc/grpc-js';
import type { RunKey } from '../src/execution/run-assignment.js';
import { gpusWanted } from '../src/execution/gpus-wanted.js';
import { runId, repeatId } from '../src/execution/run-assignment.js';
import { workItemToMessage, type HeldDevices, type LogRequest, type WorkItem } from '../src/wire/coordinator-codec.js';
import type { WorkItem as WorkItemMessage, WorkRequest } from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import type { RemoteRun, RunHolder } from './remote-run.js';

export interface WorkerIdentity {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly threads: number;
  readonly softwareVersion: string;
  /** The devices it hands to runs that ask for GPUs. */
  readonly gpus: readonly string[];
  /** It answers log requests (an older worker does not). */
  readonly servesLogs: boolean;
}

/** A registered worker: its threads, the runs it holds and the stream its work goes down. */
export class WorkerSession implements RunHolder {
  readonly runs = new Map<string, RemoteRun>();
  draining = false;
  /** Which runs hold which of its devices, as its last heartbeat said (for `sweeper status`). */
  held: readonly HeldDevices[] = [];
  /** Assignments written to this session's work stream so far; each run records its number. */
  private assignments = 0;
  private stream: ServerWritableStream<WorkRequest, WorkItemMessage> | undefined;

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

  /**
   * Runs holding `gpus` devices each it can take now: its free threads, and no more than its
   * devices not held by the runs it was given; none if it has fewer devices than one run asks.
   */
  room(gpus: number): number {
    if (gpus === 0) return this.free;
    let held = 0;
    for (const run of this.runs.values()) held += gpusWanted(run.assignment.task);
    return Math.min(this.free, Math.floor(Math.max(0, this.identity.gpus.length - held) / gpus));
  }

  attach(stream: ServerWritableStream<WorkRequest, WorkItemMessage>): void {
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
    run.assignedAs = ++this.assignments;
    this.runs.set(repeatId(run.key), run);
    this.write({ type: 'assign', assignment: run.assignment });
  }

  /** Takes over a run this worker held in an earlier session, or one left by an earlier coordinator. */
  adopt(run: RemoteRun): void {
    run.session = this;
    run.assignedAs = 0;
    this.runs.set(repeatId(run.key), run);
  }

  /**
   * The runs the worker has been sent (its heartbeat says how many assignments it received) but
   * does not list: it no longer holds them, so no report of them will ever come.
   */
  dropped(listed: readonly RunKey[], assignmentsReceived: number): RemoteRun[] {
    const held = new Set(listed.map(runId));
    return [...this.runs.values()].filter((run) => run.assignedAs <= assignmentsReceived && !held.has(runId(run.key)));
  }

  stop(key: RunKey): void {
    this.write({ type: 'stop', run: key });
  }

  /** Asks the worker for a piece of a run's log; false when its work stream is not open. */
  requestLog(request: LogRequest): boolean {
    if (!this.stream) return false;
    this.write({ type: 'log', request });
    return true;
  }

  release(run: RemoteRun): void {
    const id = repeatId(run.key);
    if (this.runs.get(id) === run) this.runs.delete(id);
  }

  close(): void {
    this.stream?.end();
    this.stream = undefined;
  }

  private write(item: WorkItem): void {
    // Without a stream the item is not lost: assignments only go to connected workers, and
    // stop requests are sent again on attach.
    this.stream?.write(workItemToMessage(item));
  }
}
