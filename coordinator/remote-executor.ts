import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import { InvalidStateError } from '../src/errors/invalid-state-error.js';
import { NotFoundError } from '../src/errors/not-found-error.js';
import { abandonmentOf } from '../src/execution/abandonment.js';
import { gpusWanted } from '../src/execution/gpus-wanted.js';
import { describeRun, repeatId, type ResumePoint, type RunAssignment, type RunEnd, type RunKey } from '../src/execution/run-assignment.js';
import type { RunListener, TrialExecutor } from '../src/execution/trial-executor.js';
import { refusalOf } from '../src/rpc/grpc-status.js';
import { checkProtocolVersion } from '../src/rpc/protocol-version.js';
import { SweeperError } from '../src/errors/sweeper-error.js';
import {
  WIRE_LIMITS,
  type EventResult,
  type HeartbeatRequest,
  type InvalidEvent,
  type LogChunk,
  type LogsReply,
  type LogsRequest,
  type RegisterRequest,
  type RunEvent,
} from '../src/wire/coordinator-codec.js';
import type { WorkItem, WorkRequest } from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { LeaseTable } from './lease-table.js';
import { RemoteRun } from './remote-run.js';
import { WorkerSession } from './worker-session.js';

export interface RemoteExecutorOptions {
  /** A worker not heard from for this long loses its runs. */
  readonly leaseMs: number;
  /** How often workers are asked to send a heartbeat; a few fit in one lease. */
  readonly heartbeatMs: number;
  /** How long a run left running by an earlier coordinator waits for its worker to claim it. */
  readonly reclaimMs: number;
  readonly logger: Logger;
  /** How long `logs --follow` waits for a worker to send a run's output (default 5 s). */
  readonly logWaitMs?: number;
}

/** A log request sent down a worker's stream, until its LogChunk comes (or the wait is over). */
interface PendingLog {
  readonly session: WorkerSession;
  readonly resolve: (chunk: LogChunk) => void;
  readonly timer: NodeJS.Timeout;
}

/** Ended runs whose worker may still be asked for the rest of their output, the latest of them. */
const ENDED_RUNS_KEPT = 1000;

export interface Registration {
  readonly session: string;
  readonly adopted: RunKey[];
  readonly abandon: RunKey[];
}

/**
 * The workers connected over gRPC, seen by the sweep runners as one executor whose free slots are
 * the workers' free threads. It places runs, relays epochs and outcomes, takes runs away from a
 * worker whose lease ran out, and refuses anything from an attempt that is no longer current.
 */
export class RemoteExecutor implements TrialExecutor {
  private readonly sessions = new Map<string, WorkerSession>();
  private readonly byWorker = new Map<string, WorkerSession>();
  /** The current run of each (study, trial, repeat); older attempts are not here. */
  private readonly runs = new Map<string, RemoteRun>();
  /** Runs handed out while every thread was busy (two studies raced for the last one). */
  private readonly waiting: RemoteRun[] = [];
  /** Runs left running by an earlier coordinator, until a worker claims them. */
  private readonly unclaimed = new Map<string, NodeJS.Timeout>();
  private readonly leases: LeaseTable;
  private readonly listeners: (() => void)[] = [];
  private readonly sweep: NodeJS.Timeout;
  /** Runs that ended on a worker, by (study, trial, repeat): the end of their output may not have been followed yet. */
  private readonly endedOn = new Map<string, { readonly key: RunKey; readonly session: WorkerSession }>();
  private readonly pendingLogs = new Map<number, PendingLog>();
  private lastLogRequest = 0;
  /** The GPU count and workers of the last "no worker has that many GPUs" warning. */
  private warnedAbout = '';

  constructor(private readonly options: RemoteExecutorOptions) {
    this.leases = new LeaseTable(options.leaseMs);
    this.sweep = setInterval(() => this.expireLeases(), Math.max(50, Math.floor(options.leaseMs / 10)));
    this.sweep.unref();
  }

  freeSlots(gpus: number): number {
    let free = 0;
    for (const session of this.sessions.values()) free += session.room(gpus);
    if (gpus > 0 && free === 0) this.warnIfNoWorkerHas(gpus);
    return free - this.waiting.length;
  }

  onFreeSlots(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  placements(gpus: number, count: number): string[] {
    // As run() will choose each, with the room the runs placed before it take.
    const placed = new Map<WorkerSession, number>();
    return Array.from({ length: count }, () => {
      const best = this.pick(gpus, undefined, (session) => session.room(gpus) - (placed.get(session) ?? 0));
      if (!best) return 'unplaced';
      placed.set(best, (placed.get(best) ?? 0) + 1);
      return best.name;
    });
  }

  run(assignment: RunAssignment, listener: RunListener, signal: AbortSignal, placement?: string): Promise<RunEnd> {
    return new Promise<RunEnd>((resolve) => {
      const run = this.track(assignment, listener, signal, resolve);
      const session = this.pick(gpusWanted(assignment.task), placement);
      if (session) session.assign(run);
      else this.waiting.push(run);
    });
  }

  reclaim(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunEnd> {
    return new Promise<RunEnd>((resolve) => {
      const run = this.track(assignment, listener, signal, resolve);
      const id = repeatId(run.key);
      const seconds = this.options.reclaimMs / 1000;
      const timer = setTimeout(() => {
        this.unclaimed.delete(id);
        this.endRun(run, {
          status: 'lost',
          reason: `attempt ${run.key.attempt} was lost: no worker took it back within ${seconds} s of the coordinator starting`,
        });
      }, this.options.reclaimMs);
      this.unclaimed.set(id, timer);
    });
  }

  /** A worker joins, or joins again with the runs it still holds. */
  register(request: RegisterRequest): Registration {
    checkProtocolVersion(request.protocolVersion);
    const { workerId, host, pid, threads, softwareVersion, servesLogs } = request;
    const gpus = [...(request.gpus ?? [])];
    const session = new WorkerSession(randomUUID(), { workerId, host, pid, threads, softwareVersion, gpus, servesLogs });
    const previous = this.byWorker.get(workerId);
    if (previous) {
      // The same worker process again (its connection broke): its runs carry over.
      for (const run of previous.runs.values()) session.adopt(run);
      this.forget(previous);
    }
    this.sessions.set(session.id, session);
    this.byWorker.set(workerId, session);
    this.leases.touch(session.id);

    const adopted: RunKey[] = [];
    const abandon: RunKey[] = [];
    const listed = new Set<string>();
    for (const key of request.running) {
      listed.add(repeatId(key));
      (this.adopt(session, key) ? adopted : abandon).push(key);
    }
    for (const run of [...session.runs.values()]) {
      if (!listed.has(repeatId(run.key)))
        this.endRun(run, { status: 'lost', reason: `attempt ${run.key.attempt} was lost: worker ${session.name} came back without it` });
    }
    this.options.logger.info(
      { worker: session.name, workerId, threads, adopted: adopted.length, abandoned: abandon.length, previous: previous !== undefined },
      'worker registered',
    );
    return { session: session.id, adopted, abandon };
  }

  /** The worker's work stream opens: from now on it gets runs. */
  attach(sessionId: string, stream: ServerWritableStream<WorkRequest, WorkItem>): void {
    const session = this.session(sessionId);
    session.attach(stream);
    this.leases.touch(session.id);
    this.options.logger.info({ worker: session.name }, 'worker ready for work');
    this.slotsFreed();
  }

  heartbeat(request: HeartbeatRequest): RunKey[] {
    const session = this.session(request.session);
    this.leases.touch(session.id);
    if (request.draining && !session.draining) {
      session.draining = true;
      this.options.logger.info({ worker: session.name, running: session.runs.size }, 'worker draining');
    }
    session.held = [...(request.held ?? [])];
    const abandon = request.running.filter((key) => !this.adopt(session, key));
    for (const run of session.dropped(request.running, request.assignmentsReceived)) {
      this.options.logger.warn({ worker: session.name, run: run.key }, 'a worker no longer holds a run it was given');
      this.endRun(run, {
        status: 'lost',
        reason: `attempt ${run.key.attempt} was lost: worker ${session.name} no longer runs it and sent no end that the coordinator could accept`,
      });
    }
    return abandon;
  }

  /**
   * Relays a worker's events in order; events of an attempt that is not current are refused,
   * unrecorded. An event that can never be accepted (it failed the wire checks) ends its attempt
   * as lost, with the problem as the reason: the worker is told to stop, and the trial runs again
   * or, after its last attempt, fails with that reason, rather than waiting for a report that
   * will never be accepted.
   */
  async report(sessionId: string, events: readonly (RunEvent | InvalidEvent)[]): Promise<EventResult[]> {
    const session = this.session(sessionId);
    this.leases.touch(session.id);
    const results = events.map((event): EventResult | Promise<EventResult> => {
      const run = event.run && this.runs.get(repeatId(event.run));
      const refusal = event.run && this.refusal(session, event.run, run);
      if (refusal || !run) {
        const refused = refusal ?? new InvalidArgumentError(event.type === 'invalid' ? event.problem : 'the event names no run');
        this.options.logger.warn({ worker: session.name, run: event.run, reason: refused.message }, 'refused a report');
        return { refused: refusalOf(refused) };
      }
      switch (event.type) {
        case 'invalid':
          this.options.logger.error(
            { worker: session.name, run: event.run, reason: event.problem },
            'a worker sent a report the coordinator cannot accept: ending the attempt',
          );
          this.endRun(run, {
            status: 'lost',
            reason: `attempt ${run.key.attempt} was lost: worker ${session.name} sent a report the coordinator cannot accept (${event.problem})`,
          });
          return { refused: refusalOf(new InvalidArgumentError(event.problem)) };
        case 'epoch':
          return run
            .onEpoch(event.report, (error) =>
              this.options.logger.error({ err: error, run: event.run }, 'handling an epoch failed; stopping the run'),
            )
            .then((decision) => ({ decision }));
        case 'end':
          if (event.outcome.status === 'stopped' && !run.stopRequested) {
            this.endRun(run, {
              status: 'handed-back',
              reason: `worker ${session.name} handed attempt ${run.key.attempt} back: it is shutting down`,
            });
          } else {
            this.endRun(run, event.outcome);
          }
          return { decision: 'continue' };
      }
    });
    return Promise.all(results.map((result) => Promise.resolve(result)));
  }

  /** Keeps a checkpoint a worker sent of a run it holds (refused, unkept, for any other run). */
  async checkpoint(sessionId: string, key: RunKey, epoch: number, data: Uint8Array, sha256: string): Promise<void> {
    const run = this.heldRun(sessionId, key);
    await run.onCheckpoint(epoch, data, sha256);
  }

  /** The checkpoint a run this worker holds goes on from. */
  resumeData(sessionId: string, key: RunKey): Promise<{ header: ResumePoint; data: Uint8Array }> {
    const run = this.heldRun(sessionId, key);
    const header = run.assignment.checkpoint?.resume;
    if (!header) return Promise.reject(new InvalidStateError(`${describeRun(key)} goes on from no checkpoint`));
    return run.loadCheckpoint().then((data) => ({ header, data }));
  }

  /** Throws the refusal when the session's worker does not hold the current run `key` names. */
  checkHeld(sessionId: string, key: RunKey): void {
    this.heldRun(sessionId, key);
  }

  /** The current run `key` names, if the session's worker holds it; otherwise the refusal why not. */
  private heldRun(sessionId: string, key: RunKey): RemoteRun {
    const session = this.session(sessionId);
    this.leases.touch(session.id);
    const run = this.runs.get(repeatId(key));
    const refusal = this.refusal(session, key, run);
    if (refusal || !run) throw refusal ?? new InvalidStateError(`${describeRun(key)} is not running`);
    return run;
  }

  /**
   * The output of a trial's run from `offset` on, asked of the worker that runs it (bounded in
   * time: UNAVAILABLE when it does not answer). After the run has ended (`running` false), its
   * worker is still asked for the rest, so that a follower gets every byte; with no run known
   * here there is no data, and the kept log is in the store.
   */
  async logs(request: LogsRequest): Promise<LogsReply> {
    const { offset } = request;
    const id = repeatId(request);
    const nothing = (running: boolean, attempt: number): LogsReply => ({ data: new Uint8Array(), nextOffset: offset, running, attempt });
    const run = this.runs.get(id);
    if (run && !run.isEnded) {
      const session = run.session instanceof WorkerSession ? run.session : undefined;
      // Waiting for a free thread, or for its worker to take it back: nothing printed yet.
      if (!session || this.sessions.get(session.id) !== session) return nothing(true, run.key.attempt);
      const chunk = await this.askForLog(session, run.key, offset);
      if (chunk.missing) {
        throw new InvalidStateError(
          `${describeRun(run.key)} runs a ${run.assignment.task.type} task, whose output is not kept: only command: tasks' runs can be followed`,
        );
      }
      return { data: chunk.data, nextOffset: chunk.nextOffset, running: true, attempt: run.key.attempt };
    }
    const ended = this.endedOn.get(id);
    if (!ended || this.sessions.get(ended.session.id) !== ended.session || !ended.session.connected || !ended.session.identity.servesLogs)
      return nothing(false, ended?.key.attempt ?? 0);
    // The run has ended: its worker still has the file, and sends what the follower has not seen.
    const chunk = await this.askForLog(ended.session, ended.key, offset);
    if (chunk.missing) return nothing(false, ended.key.attempt);
    return { data: chunk.data, nextOffset: chunk.nextOffset, running: false, attempt: ended.key.attempt };
  }

  /** A worker's answer to a log request; a late one (the wait is over) is dropped. */
  logChunk(chunk: LogChunk): void {
    const session = this.session(chunk.session);
    this.leases.touch(session.id);
    const pending = this.pendingLogs.get(chunk.requestId);
    if (!pending || pending.session !== session) return;
    this.pendingLogs.delete(chunk.requestId);
    clearTimeout(pending.timer);
    pending.resolve(chunk);
  }

  private askForLog(session: WorkerSession, key: RunKey, offset: number): Promise<LogChunk> {
    if (!session.identity.servesLogs) {
      throw new InvalidStateError(
        `worker ${session.name} runs an older sweeper (${session.identity.softwareVersion || 'unknown version'}) that cannot send a run's output while it runs`,
        'upgrade the worker; `sweeper logs STUDY TRIAL --db FILE` prints the output kept once the run has ended',
      );
    }
    const waitMs = this.options.logWaitMs ?? 5_000;
    return new Promise<LogChunk>((resolve, reject) => {
      const requestId = ++this.lastLogRequest;
      const timer = setTimeout(() => {
        this.pendingLogs.delete(requestId);
        reject(
          new SweeperError(
            'UNAVAILABLE',
            `worker ${session.name} did not send the output of ${describeRun(key)} within ${waitMs / 1000} s`,
            'the worker may be reconnecting or overloaded; try again',
          ),
        );
      }, waitMs);
      this.pendingLogs.set(requestId, { session, resolve, timer });
      if (!session.requestLog({ requestId, run: key, offset, maxBytes: WIRE_LIMITS.logChunk })) {
        clearTimeout(timer);
        this.pendingLogs.delete(requestId);
        reject(
          new SweeperError(
            'UNAVAILABLE',
            `worker ${session.name}, which runs ${describeRun(key)}, is reconnecting`,
            'try again in a few seconds',
          ),
        );
      }
    });
  }

  /** What `sweeper status` shows. */
  snapshot(): { sessions: WorkerSession[]; runs: RemoteRun[]; silentMs: (session: WorkerSession) => number } {
    return {
      sessions: [...this.sessions.values()],
      runs: [...this.runs.values()],
      silentMs: (session) => this.leases.silentMs(session.id),
    };
  }

  close(): Promise<void> {
    clearInterval(this.sweep);
    for (const timer of this.unclaimed.values()) clearTimeout(timer);
    for (const pending of this.pendingLogs.values()) clearTimeout(pending.timer);
    for (const session of this.sessions.values()) session.close();
    return Promise.resolve();
  }

  private track(assignment: RunAssignment, listener: RunListener, signal: AbortSignal, resolve: (end: RunEnd) => void): RemoteRun {
    const onAbort = (): void => this.stopRun(run, signal);
    const run: RemoteRun = new RemoteRun(assignment, listener, (end) => {
      signal.removeEventListener('abort', onAbort);
      resolve(end);
    });
    this.runs.set(repeatId(run.key), run);
    if (signal.aborted) queueMicrotask(onAbort);
    else signal.addEventListener('abort', onAbort, { once: true });
    return run;
  }

  /** Takes a run the worker lists if it is this worker's, or a current one left by an earlier coordinator. */
  private adopt(session: WorkerSession, key: RunKey): boolean {
    const id = repeatId(key);
    const run = this.runs.get(id);
    if (!run || run.isEnded || run.key.attempt !== key.attempt) return false;
    if (run.session === session) return true;
    const timer = this.unclaimed.get(id);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.unclaimed.delete(id);
    session.adopt(run);
    this.options.logger.info({ worker: session.name, run: key }, 'took back a running trial');
    return true;
  }

  private refusal(session: WorkerSession, key: RunKey, run: RemoteRun | undefined): InvalidStateError | undefined {
    if (!run || run.isEnded) {
      return new InvalidStateError(`${describeRun(key)} is not running: it ended, or its lease expired and it was re-queued`);
    }
    if (run.key.attempt !== key.attempt) {
      return new InvalidStateError(`${describeRun(key)} is stale: attempt ${run.key.attempt} is the current one`);
    }
    if (run.session !== session) {
      return new InvalidStateError(`${describeRun(key)} was not given to worker ${session.name}`);
    }
    return undefined;
  }

  /**
   * The runner asked the run to stop. An abandoned run ends here and now, as lost: its worker
   * learns it from the next heartbeat's answer (or the refusal of its next report).
   */
  private stopRun(run: RemoteRun, signal: AbortSignal): void {
    run.stopRequested = true;
    const abandonment = abandonmentOf(signal);
    const lost: RunEnd | undefined = abandonment && { status: 'lost', reason: abandonment.reason };
    const id = repeatId(run.key);
    const waitingAt = this.waiting.indexOf(run);
    if (waitingAt >= 0) {
      this.waiting.splice(waitingAt, 1);
      this.endRun(run, lost ?? { status: 'stopped', epochs: 0, trainSeconds: 0 });
    } else if (this.unclaimed.has(id)) {
      clearTimeout(this.unclaimed.get(id));
      this.unclaimed.delete(id);
      this.endRun(run, lost ?? { status: 'stopped', epochs: run.lastEpoch, trainSeconds: 0 });
    } else if (lost) {
      this.endRun(run, lost);
    } else {
      run.session?.stop(run.key);
    }
  }

  private endRun(run: RemoteRun, end: RunEnd): void {
    if (run.isEnded) return;
    run.session?.release(run);
    const id = repeatId(run.key);
    if (this.runs.get(id) === run) this.runs.delete(id);
    if (run.session instanceof WorkerSession) {
      this.endedOn.delete(id);
      this.endedOn.set(id, { key: run.key, session: run.session });
      if (this.endedOn.size > ENDED_RUNS_KEPT) this.endedOn.delete(this.endedOn.keys().next().value as string);
    }
    run.end(end);
    this.slotsFreed();
  }

  private expireLeases(): void {
    for (const id of this.leases.expired()) {
      const session = this.sessions.get(id);
      if (!session) continue;
      const seconds = (this.leases.silentMs(id) / 1000).toFixed(1);
      this.options.logger.warn({ worker: session.name, runs: session.runs.size, silentSeconds: seconds }, 'worker lost its lease');
      for (const run of [...session.runs.values()]) {
        this.endRun(run, {
          status: 'lost',
          reason: `attempt ${run.key.attempt} was lost: worker ${session.name} was not heard from for ${seconds} s (lease ${this.options.leaseMs / 1000} s)`,
        });
      }
      this.forget(session);
    }
  }

  private forget(session: WorkerSession): void {
    session.runs.clear();
    session.close();
    this.sessions.delete(session.id);
    this.leases.remove(session.id);
    if (this.byWorker.get(session.identity.workerId) === session) this.byWorker.delete(session.identity.workerId);
  }

  private session(id: string): WorkerSession {
    const session = this.sessions.get(id);
    if (!session)
      throw new NotFoundError(`session ${id} is unknown: its lease expired, or the coordinator restarted`, 'the worker registers again');
    return session;
  }

  /** The worker with the most room for a run holding `gpus` devices, or the preferred one while it has any. */
  private pick(gpus: number, preferred?: string, roomOf = (session: WorkerSession) => session.room(gpus)): WorkerSession | undefined {
    let best: WorkerSession | undefined;
    let bestRoom = 0;
    for (const session of this.sessions.values()) {
      const room = roomOf(session);
      if (room <= 0) continue;
      if (session.name === preferred) return session;
      if (room > bestRoom) [best, bestRoom] = [session, room];
    }
    return best;
  }

  /**
   * Runs asking for more GPUs than any connected worker has wait (more workers may join); the
   * coordinator's log says so once for each set of workers, rather than the sweep seeming stuck.
   */
  private warnIfNoWorkerHas(gpus: number): void {
    const workers = [...this.sessions.values()].filter((session) => session.connected);
    if (workers.length === 0 || workers.some((session) => session.identity.gpus.length >= gpus)) return;
    const seen = `${gpus}:${workers.map((session) => session.id).join(',')}`;
    if (this.warnedAbout === seen) return;
    this.warnedAbout = seen;
    const most = Math.max(...workers.map((session) => session.identity.gpus.length));
    this.options.logger.warn(
      { gpus, workers: workers.length, mostGpus: most },
      `runs ask for ${gpus} GPU${gpus === 1 ? '' : 's'} each (resources.gpus), but no connected worker has that many (the most is ${most}): they wait for one (start workers with --gpus, or on machines where nvidia-smi lists the GPUs)`,
    );
  }

  /** Places waiting runs where there is room for each (in order, passing over ones that fit nowhere yet), then lets the runners fill what is left, starting with a different one each time. */
  private slotsFreed(): void {
    for (let index = 0; index < this.waiting.length;) {
      const run = this.waiting[index] as RemoteRun;
      const session = this.pick(gpusWanted(run.assignment.task));
      if (session === undefined) {
        index++;
        continue;
      }
      this.waiting.splice(index, 1);
      session.assign(run);
    }
    if (this.listeners.length === 0) return;
    this.listeners.push(this.listeners.shift() as () => void);
    for (const listener of [...this.listeners]) listener();
  }
}
