import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { Abandonment } from '../src/execution/abandonment.js';
import { describeRun, runId, type EpochDecision, type RunAssignment, type RunKey } from '../src/execution/run-assignment.js';
import type { EpochReport, RunOutcome } from '../src/core/run-report.js';
import type { TrialExecutor } from '../src/execution/trial-executor.js';
import { callFailure, isCancelled, isRetryable } from '../src/rpc/call-failure.js';
import type { CoordinatorClient } from '../src/rpc/coordinator-client.js';
import { refusedWorker } from '../src/rpc/grpc-status.js';
import { PROTOCOL_VERSION } from '../src/rpc/protocol-version.js';
import { WIRE_LIMITS, workItemFromMessage, type HeldDevices, type LogRequest, type WorkItem } from '../src/wire/coordinator-codec.js';
import type { WorkItem as WorkItemMessage } from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { keyFromMessage } from '../src/wire/run-codec.js';
import type { DeviceAllocator } from './devices/device-allocator.js';
import { ReportOutbox } from './report-outbox.js';

export interface WorkerAgentOptions {
  readonly client: CoordinatorClient;
  /** Runs the assignments: threads for training, timers for the synthetic task. */
  readonly executor: TrialExecutor;
  /** Runs this worker takes at once, as announced to the coordinator. */
  readonly threads: number;
  /** Its GPUs, announced to the coordinator with who holds which; absent: none. */
  readonly devices?: DeviceAllocator<RunKey>;
  readonly logger: Logger;
  readonly softwareVersion: string;
  /** Where command runs' output is written (the TaskRouter): the coordinator may ask for pieces of it. */
  readonly logs?: { logFileOf(key: RunKey): Promise<string> };
}

/** A run this worker holds: executing, or finished with its end not yet delivered. */
interface HeldRun {
  readonly key: RunKey;
  readonly controller: AbortController;
  /** A command task's run, which writes a log file. */
  readonly writesLog: boolean;
  abandoned: boolean;
}

/** Command runs that ended, the latest of them, whose log files the coordinator may still ask for. */
const ENDED_LOGS_KEPT = 256;

/** Reconnection waits grow from this, doubling, up to RECONNECT_MAX_MS (with jitter). */
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;
/** How long a draining worker waits for its last reports to reach the coordinator. */
const FINAL_DELIVERY_MS = 10_000;

/**
 * A worker process's side of the protocol: registers with the coordinator, runs what it is given,
 * streams every epoch back and applies the answers, sends heartbeats, and when the connection
 * breaks keeps training and registers again (with backoff), listing the runs it still holds so
 * the coordinator takes them back.
 */
export class WorkerAgent {
  readonly workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly held = new Map<string, HeldRun>();
  /** The run ids of command runs that ended here, oldest first (bounded by ENDED_LOGS_KEPT). */
  private readonly endedLogs = new Set<string>();
  private readonly outbox: ReportOutbox;
  private session: string | undefined;
  /** Assignments the current session's work stream has delivered; heartbeats carry it. */
  private assignmentsReceived = 0;
  private draining = false;
  private closing = false;
  /** Ends the current session (stream broken, session unknown, closing): the loop registers again. */
  private endSession: (() => void) | undefined;
  private heldChanged: (() => void) | undefined;

  constructor(private readonly options: WorkerAgentOptions) {
    this.outbox = new ReportOutbox(
      (request) => options.client.report(request),
      () => this.endSession?.(),
      options.logger,
    );
  }

  /** Works until `drain` or `close`; rejects when the coordinator refuses this worker for good. */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      try {
        await this.serveSession(() => (failures = 0));
      } catch (error) {
        if (!isRetryable(error, 'register')) throw refusedWorker(error as ServiceError);
        failures++;
        // The next coordinator of the list, if there are several: the standby that leads now, say.
        this.options.client.failover();
        if (failures === 1 || failures % 20 === 0) {
          this.options.logger.warn(
            { reason: (error as ServiceError).details ?? (error as Error).message, attempts: failures },
            'cannot reach the coordinator; retrying',
          );
        }
      }
      if (this.closing) break;
      const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(failures, 10)) * (0.8 + 0.4 * Math.random());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.endSession = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /**
   * SIGTERM: take no new runs, give the running ones `graceMs` to finish, then stop them and
   * hand them back; deliver the last reports, and stop.
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    this.options.logger.info({ running: this.held.size, graceMs }, 'draining: no new runs');
    await this.sendHeartbeat().catch(() => undefined);
    if (!(await this.waitForHeld(graceMs))) {
      this.options.logger.warn({ running: this.held.size }, 'drain time is up: handing the running trials back');
      for (const held of this.held.values()) held.controller.abort();
    }
    await this.waitForHeld(FINAL_DELIVERY_MS);
    await this.close();
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const held of this.held.values()) held.controller.abort();
    this.endSession?.();
    await this.options.executor.close();
    this.options.client.close();
  }

  private async serveSession(onRegistered: () => void): Promise<void> {
    const { client, logger, threads, softwareVersion } = this.options;
    const reply = await client.register({
      protocolVersion: PROTOCOL_VERSION,
      workerId: this.workerId,
      host: hostname(),
      pid: process.pid,
      threads,
      running: this.heldKeys(),
      softwareVersion,
      gpus: this.options.devices?.devices ?? [],
      servesLogs: this.options.logs !== undefined,
    });
    onRegistered();
    for (const key of reply.abandon) this.abandon(key, 'the coordinator no longer gives this run to this worker');
    this.session = reply.session;
    this.assignmentsReceived = 0;
    logger.info(
      {
        workerId: this.workerId,
        coordinator: client.address,
        threads,
        adopted: reply.adopted.length,
        abandoned: reply.abandon.length,
        leaseMs: reply.leaseMs,
      },
      'registered with the coordinator',
    );

    const stream = client.work(reply.session);
    const heartbeat = setInterval(() => {
      this.sendHeartbeat().catch((error: ServiceError) => {
        // Only if the call was about this session: a late answer must not end a newer one.
        if (callFailure(error, 'heartbeat') === 'register' && this.session === reply.session) this.endSession?.();
      });
    }, reply.heartbeatMs);
    try {
      await new Promise<void>((resolve) => {
        this.endSession = resolve;
        stream.on('data', (item: WorkItemMessage) => {
          this.assignmentsReceived += item.item.case === 'assign' ? 1 : 0;
          this.onItem(item);
        });
        stream.on('end', () => resolve());
        stream.on('error', (error: ServiceError) => {
          if (!isCancelled(error)) logger.warn({ code: error.code, reason: error.details }, 'the work stream broke');
          resolve();
        });
        // Reports go out once the stream is open, so the coordinator has this session ready.
        this.outbox.useSession(reply.session);
        if (this.draining) void this.sendHeartbeat().catch(() => undefined);
      });
    } finally {
      clearInterval(heartbeat);
      this.session = undefined;
      this.outbox.useSession(undefined);
      cancelQuietly(stream);
    }
  }

  private async sendHeartbeat(): Promise<void> {
    const session = this.session;
    if (session === undefined) return;
    const abandon = await this.options.client.heartbeat({
      session,
      running: this.heldKeys(),
      draining: this.draining,
      assignmentsReceived: this.assignmentsReceived,
      held: this.heldDevices(),
    });
    for (const key of abandon)
      this.abandon(key, 'the coordinator no longer gives this run to this worker (it ended the attempt, or the lease expired)');
  }

  private onItem(message: WorkItemMessage): void {
    let item: WorkItem;
    try {
      item = workItemFromMessage(message);
    } catch (error) {
      this.refuseAssignment(message, error as Error);
      return;
    }
    if (item.type === 'assign') {
      this.start(item.assignment);
    } else if (item.type === 'stop') {
      this.held.get(runId(item.run))?.controller.abort();
    } else {
      void this.sendLog(item.request);
    }
  }

  /**
   * Answers a log request with the piece of the run's log file asked for: a command run this
   * worker holds, or one that ended here lately. Another run's is `missing`; a file not yet
   * written is no bytes. A failed answer is only logged: the coordinator stops waiting for it.
   */
  private async sendLog(request: LogRequest): Promise<void> {
    const session = this.session;
    if (session === undefined) return;
    const id = runId(request.run);
    const held = this.held.get(id);
    const known = (held !== undefined && held.writesLog) || this.endedLogs.has(id);
    let data: Uint8Array = new Uint8Array();
    if (known && this.options.logs)
      data = await readPiece(await this.options.logs.logFileOf(request.run), request.offset, request.maxBytes);
    try {
      await this.options.client.logChunk({
        session,
        requestId: request.requestId,
        data,
        nextOffset: request.offset + data.length,
        missing: !known || this.options.logs === undefined,
      });
    } catch (error) {
      this.options.logger.debug({ err: error, run: request.run }, 'could not send a piece of a run log');
    }
  }

  /**
   * An assignment this worker cannot read (a newer coordinator's task, say) ends as an error
   * with the reason, so the trial records why; one without even a readable run key is only
   * logged, and the coordinator ends it when the next heartbeat does not list it.
   */
  private refuseAssignment(message: WorkItemMessage, error: Error): void {
    this.options.logger.error({ err: error }, 'refused an item the coordinator sent');
    if (message.item.case !== 'assign') return;
    const { study, trialNumber, attempt, repeat } = message.item.value;
    let key: RunKey;
    try {
      key = keyFromMessage({ study, trialNumber, attempt, repeat });
    } catch {
      return;
    }
    void this.outbox.end(key, { status: 'error', message: `the worker cannot run this assignment: ${error.message}` });
  }

  private start(assignment: RunAssignment): void {
    const key: RunKey = {
      study: assignment.study,
      trialNumber: assignment.trialNumber,
      attempt: assignment.attempt,
      repeat: assignment.repeat,
    };
    const slot = runId(key);
    if (this.held.has(slot)) return;
    const held: HeldRun = { key, controller: new AbortController(), writesLog: assignment.task.type === 'command', abandoned: false };
    this.held.set(slot, held);
    if (this.draining) held.controller.abort(); // arrived as we began draining: handed straight back
    this.options.logger.debug({ run: key }, 'run started');
    this.options.executor
      .run(
        assignment,
        {
          onEpoch: (report) => this.onEpoch(held, report),
          onCheckpoint: (epoch, data, sha256) => this.sendCheckpoint(held, epoch, data, sha256),
          loadCheckpoint: () => this.fetchCheckpoint(held, assignment),
        },
        held.controller.signal,
      )
      .then(async (end) => {
        if (held.abandoned) return;
        const outcome: RunOutcome =
          end.status === 'lost' || end.status === 'handed-back' ? { status: 'error', message: end.reason } : (end as RunOutcome);
        await this.outbox.end(key, outcome);
      })
      .catch((error: unknown) => this.options.logger.error({ err: error, run: key }, 'a run failed to report its end'))
      .finally(() => {
        if (this.held.get(slot) === held) this.held.delete(slot);
        if (held.writesLog) this.keepEndedLog(slot);
        this.heldChanged?.();
      });
  }

  private async onEpoch(held: HeldRun, report: EpochReport): Promise<EpochDecision> {
    if (held.abandoned) return 'stop';
    const delivery = await this.outbox.epoch(held.key, report);
    if ('refused' in delivery) {
      this.abandon(held.key, delivery.refused);
      return 'stop';
    }
    return delivery.decision;
  }

  /**
   * Sends a run's checkpoint to the coordinator, which keeps it. One that does not get there (no
   * connection, a full disk there) is only logged: the run goes on, and the next one may.
   */
  private async sendCheckpoint(held: HeldRun, epoch: number, data: Uint8Array, sha256: string): Promise<void> {
    const session = this.session;
    if (held.abandoned) return;
    if (session === undefined) {
      this.options.logger.info({ run: held.key, epoch }, 'not connected: a checkpoint was not sent');
      return;
    }
    const started = performance.now();
    try {
      await this.options.client.saveCheckpoint(session, held.key, epoch, data, sha256);
      this.options.logger.debug(
        { run: held.key, epoch, bytes: data.length, ms: Math.round(performance.now() - started) },
        'checkpoint sent',
      );
    } catch (error) {
      this.options.logger.warn(
        { run: held.key, epoch, reason: (error as ServiceError).details ?? (error as Error).message },
        'a checkpoint was not kept',
      );
    }
  }

  /** The checkpoint a re-queued run goes on from, from the coordinator, checked against its assignment. */
  private fetchCheckpoint(held: HeldRun, assignment: RunAssignment): Promise<Uint8Array> {
    const resume = assignment.checkpoint?.resume;
    const session = this.session;
    if (!resume) return Promise.reject(new Error('the assignment names no checkpoint'));
    if (session === undefined) return Promise.reject(new Error('not connected to the coordinator'));
    return this.options.client.loadCheckpoint(session, held.key, resume);
  }

  /** The run is no longer this worker's (fenced, or its attempt ended): stop it and report nothing more of it. */
  private abandon(key: RunKey, reason: string): void {
    const held = this.held.get(runId(key));
    if (!held || held.abandoned) return;
    held.abandoned = true;
    held.controller.abort(new Abandonment(reason));
    this.outbox.drop(key, reason);
    this.options.logger.warn({ run: describeRun(key), reason }, 'abandoned a run');
  }

  /** Which runs hold which devices; a run is named as the executor was given it. */
  private heldDevices(): HeldDevices[] {
    const holdings = this.options.devices?.holders() ?? [];
    return holdings.flatMap(({ holder, ids }) => (holder === undefined ? [] : [{ run: holder, gpus: ids }]));
  }

  private keepEndedLog(id: string): void {
    this.endedLogs.delete(id);
    this.endedLogs.add(id);
    if (this.endedLogs.size > ENDED_LOGS_KEPT) this.endedLogs.delete(this.endedLogs.values().next().value as string);
  }

  private heldKeys(): RunKey[] {
    return [...this.held.values()].filter((held) => !held.abandoned).map((held) => held.key);
  }

  /** Resolves true once no run is held, false if `ms` passed first. */
  private waitForHeld(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (this.held.size > 0) return;
        clearTimeout(timer);
        this.heldChanged = undefined;
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.heldChanged = undefined;
        resolve(false);
      }, ms);
      this.heldChanged = check;
      check();
    });
  }
}

/** Up to `maxBytes` (at most WIRE_LIMITS.logChunk) of a file from `offset`; none if it does not exist (yet). */
async function readPiece(path: string, offset: number, maxBytes: number): Promise<Uint8Array> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return new Uint8Array();
  }
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes, WIRE_LIMITS.logChunk));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } catch {
    return new Uint8Array();
  } finally {
    await file.close();
  }
}

function cancelQuietly(stream: ClientReadableStream<WorkItemMessage>): void {
  stream.removeAllListeners('data');
  stream.on('error', () => undefined);
  stream.cancel();
}
