import { create } from '@bufbuild/protobuf';
import { z } from 'zod';
import { checkWire } from './check-wire.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { DEVICE_ID, MAX_DEVICES } from '../execution/device-ids.js';
import type { EpochDecision, RunAssignment, RunKey } from '../execution/run-assignment.js';
import type { EpochReport, RunOutcome } from '../core/run-report.js';
import { studyNameSchema } from '../study/study-options.js';
import {
  EventResultSchema,
  HeldDevicesSchema,
  HeartbeatReplySchema,
  HeartbeatRequestSchema,
  LogChunkReplySchema,
  LogChunkRequestSchema,
  LogRequestSchema,
  LogsReplySchema,
  LogsRequestSchema,
  RefusalSchema,
  RegisterReplySchema,
  RegisterRequestSchema,
  ReportReplySchema,
  ReportRequestSchema,
  RunEventSchema,
  SubmitReplySchema,
  SubmitRequestSchema,
  WorkItemSchema,
  WorkRequestSchema,
  type HeldDevices as HeldDevicesMessage,
  type HeartbeatReply as HeartbeatReplyMessage,
  type HeartbeatRequest as HeartbeatRequestMessage,
  type LogChunkReply as LogChunkReplyMessage,
  type LogChunkRequest as LogChunkRequestMessage,
  type LogsReply as LogsReplyMessage,
  type LogsRequest as LogsRequestMessage,
  type RegisterReply as RegisterReplyMessage,
  type RegisterRequest as RegisterRequestMessage,
  type ReportReply as ReportReplyMessage,
  type ReportRequest as ReportRequestMessage,
  type RunEvent as RunEventMessage,
  type SubmitReply as SubmitReplyMessage,
  type SubmitRequest as SubmitRequestMessage,
  type WorkItem as WorkItemMessage,
  type WorkRequest as WorkRequestMessage,
} from './gen/sweeper/v1/coordinator_pb.js';
import { EpochDecision as EpochDecisionMessage } from './gen/sweeper/v1/runs_pb.js';
import {
  assignmentFromMessage,
  assignmentToMessage,
  epochReportFromMessage,
  epochReportToMessage,
  keyFromMessage,
  keyToMessage,
  outcomeFromMessage,
  outcomeToMessage,
  WIRE_TEXT_LIMIT,
} from './run-codec.js';

/**
 * Converts the Coordinator service's messages (proto/sweeper/v1/coordinator.proto) to and from
 * their TypeScript shapes. Everything that comes off the wire is untrusted: a message that fails
 * here is refused, before anything is written. Each message has both directions, used by the two
 * sides of the call, and test/wire/round-trip.test.ts checks from the descriptors that every
 * field survives them.
 */
export const WIRE_LIMITS = {
  /** Runs a worker may execute at once. */
  threads: 4096,
  /** Events in one Report call. */
  events: 10_000,
  /** Characters of a failure message or reason. */
  text: WIRE_TEXT_LIMIT,
  /** Bytes of a submitted sweep file. */
  sweepFile: 1 << 20,
  /** Bytes of a piece of a run's log (LogChunk, Logs). */
  logChunk: 64 * 1024,
} as const;

const workerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/, 'an id of up to 128 letters, digits, "_", ".", ":", "@" and "-"');
const sessionSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'the session id the coordinator gave at registration');
const uint32 = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

function keysFromMessage(keys: readonly Parameters<typeof keyFromMessage>[0][], what: string): RunKey[] {
  if (keys.length > WIRE_LIMITS.threads)
    throw new InvalidArgumentError(`${what}: must list at most ${WIRE_LIMITS.threads} runs, but got ${keys.length}`);
  return keys.map((key, index) => keyFromMessage(key, `${what}[${index}]`));
}

const deviceIdsSchema = z
  .array(z.string().regex(DEVICE_ID, 'a device id (an index like 0 or a UUID like GPU-8f7c...)'))
  .max(MAX_DEVICES)
  .refine((ids) => new Set(ids).size === ids.length, 'must name each device once');

/** The devices one run holds on its worker. */
export interface HeldDevices {
  readonly run: RunKey;
  readonly gpus: readonly string[];
}

export function heldToMessage(held: HeldDevices): HeldDevicesMessage {
  return create(HeldDevicesSchema, { run: keyToMessage(held.run), gpus: [...held.gpus] });
}

export function heldFromMessage(messages: readonly HeldDevicesMessage[], what: string): HeldDevices[] {
  if (messages.length > MAX_DEVICES)
    throw new InvalidArgumentError(`${what}: must list at most ${MAX_DEVICES} holdings, but got ${messages.length}`);
  return messages.map((message, index) => ({
    run: keyFromMessage(message.run, `${what}[${index}].run`),
    gpus: checkWire(deviceIdsSchema, message.gpus, `${what}[${index}].gpus`),
  }));
}

export interface RegisterRequest {
  readonly protocolVersion: number;
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly threads: number;
  readonly running: RunKey[];
  readonly softwareVersion: string;
  /** Its devices, which it hands to runs that ask for GPUs; absent: none. */
  readonly gpus?: readonly string[];
  /** The worker answers log requests (an older one does not know them). */
  readonly servesLogs: boolean;
}

export function registerToMessage(request: RegisterRequest): RegisterRequestMessage {
  return create(RegisterRequestSchema, { ...request, running: request.running.map(keyToMessage), gpus: [...(request.gpus ?? [])] });
}

const registerSchema = z.strictObject({
  protocolVersion: uint32,
  workerId: workerIdSchema,
  host: z.string().min(1).max(253),
  pid: uint32,
  threads: z.number().int().min(1).max(WIRE_LIMITS.threads),
  softwareVersion: z.string().max(64),
  gpus: deviceIdsSchema,
});

export function registerFromMessage(message: RegisterRequestMessage): RegisterRequest {
  const { protocolVersion, workerId, host, pid, threads, softwareVersion, gpus } = message;
  const checked = checkWire(registerSchema, { protocolVersion, workerId, host, pid, threads, softwareVersion, gpus }, 'register');
  return { ...checked, running: keysFromMessage(message.running, 'register: running'), servesLogs: message.servesLogs };
}

export interface RegisterReply {
  readonly session: string;
  readonly protocolVersion: number;
  /** A worker silent for this long loses its runs. */
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  /** Of the runs the worker listed: those it keeps, and those it must abort without reporting. */
  readonly adopted: RunKey[];
  readonly abandon: RunKey[];
}

export function registerReplyToMessage(reply: RegisterReply): RegisterReplyMessage {
  return create(RegisterReplySchema, { ...reply, adopted: reply.adopted.map(keyToMessage), abandon: reply.abandon.map(keyToMessage) });
}

const registerReplySchema = z.strictObject({
  session: sessionSchema,
  protocolVersion: uint32,
  leaseMs: uint32.min(1),
  heartbeatMs: uint32.min(1),
});

export function registerReplyFromMessage(message: RegisterReplyMessage): RegisterReply {
  const { session, protocolVersion, leaseMs, heartbeatMs } = message;
  const checked = checkWire(registerReplySchema, { session, protocolVersion, leaseMs, heartbeatMs }, 'register reply');
  return {
    ...checked,
    adopted: keysFromMessage(message.adopted, 'register reply: adopted'),
    abandon: keysFromMessage(message.abandon, 'register reply: abandon'),
  };
}

export function workRequestToMessage(session: string): WorkRequestMessage {
  return create(WorkRequestSchema, { session });
}

/** The session a call names. */
export function sessionFromMessage(message: { readonly session: string }): string {
  return checkWire(sessionSchema, message.session, 'session');
}

/** A piece of a run's log file the coordinator asks a worker for. */
export interface LogRequest {
  readonly requestId: number;
  readonly run: RunKey;
  readonly offset: number;
  readonly maxBytes: number;
}

/** What goes down a worker's work stream: a run to start, one to stop, or a request for a run's log. */
export type WorkItem =
  | { readonly type: 'assign'; readonly assignment: RunAssignment }
  | { readonly type: 'stop'; readonly run: RunKey }
  | { readonly type: 'log'; readonly request: LogRequest };

export function workItemToMessage(item: WorkItem): WorkItemMessage {
  switch (item.type) {
    case 'assign':
      return create(WorkItemSchema, { item: { case: 'assign', value: assignmentToMessage(item.assignment) } });
    case 'stop':
      return create(WorkItemSchema, { item: { case: 'stop', value: keyToMessage(item.run) } });
    case 'log': {
      const { requestId, run, offset, maxBytes } = item.request;
      const value = create(LogRequestSchema, { requestId: BigInt(requestId), run: keyToMessage(run), offset: BigInt(offset), maxBytes });
      return create(WorkItemSchema, { item: { case: 'logRequest', value } });
    }
  }
}

/** A uint64 that must fit a JavaScript number (offsets into files, request counters). */
function safeInteger(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new InvalidArgumentError(`${what}: must be at most ${Number.MAX_SAFE_INTEGER}, but got ${value}`);
  return Number(value);
}

export function workItemFromMessage(message: WorkItemMessage): WorkItem {
  const { item } = message;
  switch (item.case) {
    case 'assign':
      return { type: 'assign', assignment: assignmentFromMessage(item.value) };
    case 'stop':
      return { type: 'stop', run: keyFromMessage(item.value, 'stop') };
    case 'logRequest': {
      const { requestId, run, offset, maxBytes } = item.value;
      return {
        type: 'log',
        request: {
          requestId: safeInteger(requestId, 'log request: request_id'),
          run: keyFromMessage(run, 'log request: run'),
          offset: safeInteger(offset, 'log request: offset'),
          maxBytes: Math.min(maxBytes, WIRE_LIMITS.logChunk),
        },
      };
    }
    case undefined:
      throw new InvalidArgumentError('work item: item is required (expected assign, stop or log_request)');
  }
}

export interface HeartbeatRequest {
  readonly session: string;
  readonly running: RunKey[];
  readonly draining: boolean;
  /** Assignments the session's work stream has delivered (see the .proto). */
  readonly assignmentsReceived: number;
  /** Which runs hold which of the worker's devices; absent: none. */
  readonly held?: readonly HeldDevices[];
}

export function heartbeatToMessage(request: HeartbeatRequest): HeartbeatRequestMessage {
  return create(HeartbeatRequestSchema, {
    ...request,
    running: request.running.map(keyToMessage),
    held: (request.held ?? []).map(heldToMessage),
  });
}

export function heartbeatFromMessage(message: HeartbeatRequestMessage): HeartbeatRequest {
  return {
    session: sessionFromMessage(message),
    running: keysFromMessage(message.running, 'heartbeat: running'),
    draining: message.draining,
    assignmentsReceived: message.assignmentsReceived,
    held: heldFromMessage(message.held, 'heartbeat: held'),
  };
}

export function heartbeatReplyToMessage(abandon: readonly RunKey[]): HeartbeatReplyMessage {
  return create(HeartbeatReplySchema, { abandon: abandon.map(keyToMessage) });
}

export function heartbeatReplyFromMessage(message: HeartbeatReplyMessage): RunKey[] {
  return keysFromMessage(message.abandon, 'heartbeat reply: abandon');
}

export type RunEvent = { readonly run: RunKey } & (
  { readonly type: 'epoch'; readonly report: EpochReport } | { readonly type: 'end'; readonly outcome: RunOutcome }
);

/**
 * An event the coordinator cannot accept as sent: it is answered on its own (the other events of
 * the batch go on), and when its run is known, that attempt ends with `problem` as the reason.
 */
export interface InvalidEvent {
  readonly type: 'invalid';
  readonly run: RunKey | undefined;
  readonly problem: string;
}

export interface ReportRequest<Event = RunEvent> {
  readonly session: string;
  readonly events: Event[];
}

export function reportToMessage(request: ReportRequest): ReportRequestMessage {
  return create(ReportRequestSchema, { session: request.session, events: request.events.map(eventToMessage) });
}

export function eventToMessage(event: RunEvent): RunEventMessage {
  return create(RunEventSchema, {
    run: keyToMessage(event.run),
    event:
      event.type === 'epoch'
        ? { case: 'epoch', value: epochReportToMessage(event.report) }
        : { case: 'end', value: outcomeToMessage(event.outcome) },
  });
}

/** Decodes a report; a bad event does not spoil the batch: it comes back as an InvalidEvent. */
export function reportFromMessage(message: ReportRequestMessage): ReportRequest<RunEvent | InvalidEvent> {
  const session = sessionFromMessage(message);
  if (message.events.length > WIRE_LIMITS.events) {
    throw new InvalidArgumentError(`report: events must hold at most ${WIRE_LIMITS.events} events, but got ${message.events.length}`);
  }
  return { session, events: message.events.map((event, index) => eventFromMessage(event, `report: events[${index}]`)) };
}

function eventFromMessage(message: RunEventMessage, where: string): RunEvent | InvalidEvent {
  let run: RunKey | undefined;
  try {
    run = keyFromMessage(message.run, `${where}.run`);
    const { event } = message;
    switch (event.case) {
      case 'epoch':
        return { run, type: 'epoch', report: epochReportFromMessage(event.value) };
      case 'end':
        return { run, type: 'end', outcome: outcomeFromMessage(event.value) };
      case undefined:
        throw new InvalidArgumentError('event is required (expected epoch or end)');
    }
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    const problem = error.message.startsWith(where) ? error.message : `${where}: ${error.message}`;
    return { type: 'invalid', run, problem: problem.slice(0, WIRE_LIMITS.text) };
  }
}

/** The answer to one reported event: the decision for an epoch, or why the event was refused. */
export type EventResult = { readonly decision: EpochDecision } | { readonly refused: { readonly code: number; readonly message: string } };

export function reportReplyToMessage(results: readonly EventResult[]): ReportReplyMessage {
  return create(ReportReplySchema, {
    results: results.map((result) =>
      create(EventResultSchema, {
        result:
          'decision' in result
            ? { case: 'decision', value: result.decision === 'stop' ? EpochDecisionMessage.STOP : EpochDecisionMessage.CONTINUE }
            : { case: 'refused', value: create(RefusalSchema, result.refused) },
      }),
    ),
  });
}

/** The answers, one per event sent; a missing or unknown answer reads as "continue". */
export function reportReplyFromMessage(message: ReportReplyMessage): EventResult[] {
  return message.results.map(({ result }): EventResult => {
    if (result.case === 'refused')
      return { refused: { code: result.value.code, message: result.value.message.slice(0, WIRE_LIMITS.text) } };
    return { decision: result.case === 'decision' && result.value === EpochDecisionMessage.STOP ? 'stop' : 'continue' };
  });
}

export interface SubmitRequest {
  readonly sweepYaml: string;
  readonly fileName: string;
  readonly study?: string;
}

export function submitToMessage(request: SubmitRequest): SubmitRequestMessage {
  return create(SubmitRequestSchema, { sweepYaml: request.sweepYaml, fileName: request.fileName, study: request.study ?? '' });
}

export function submitFromMessage(message: SubmitRequestMessage): SubmitRequest {
  const bytes = Buffer.byteLength(message.sweepYaml);
  if (bytes > WIRE_LIMITS.sweepFile)
    throw new InvalidArgumentError(`submit: sweep_yaml must be at most ${WIRE_LIMITS.sweepFile} bytes, but got ${bytes}`);
  if (bytes === 0) throw new InvalidArgumentError("submit: sweep_yaml must be the sweep file's text, but got nothing");
  const study = message.study ? checkWire(studyNameSchema, message.study, 'submit: study') : undefined;
  const fileName = checkWire(z.string().max(4096), message.fileName || 'sweep.yaml', 'submit: file_name');
  return { sweepYaml: message.sweepYaml, fileName, ...(study !== undefined && { study }) };
}

export interface SubmitReply {
  readonly study: string;
  /** 0 when the study has no trial budget. */
  readonly budget: number;
}

export function submitReplyToMessage(reply: SubmitReply): SubmitReplyMessage {
  return create(SubmitReplySchema, reply);
}

export function submitReplyFromMessage(message: SubmitReplyMessage): SubmitReply {
  return { study: checkWire(studyNameSchema, message.study, 'submit reply: study'), budget: message.budget };
}

/** A worker's answer to a log request. */
export interface LogChunk {
  readonly session: string;
  readonly requestId: number;
  readonly data: Uint8Array;
  readonly nextOffset: number;
  /** The worker has no log of that run. */
  readonly missing: boolean;
}

export function logChunkToMessage(chunk: LogChunk): LogChunkRequestMessage {
  return create(LogChunkRequestSchema, { ...chunk, requestId: BigInt(chunk.requestId), nextOffset: BigInt(chunk.nextOffset) });
}

export function logChunkFromMessage(message: LogChunkRequestMessage): LogChunk {
  if (message.data.length > WIRE_LIMITS.logChunk)
    throw new InvalidArgumentError(`log chunk: data must be at most ${WIRE_LIMITS.logChunk} bytes, but got ${message.data.length}`);
  return {
    session: sessionFromMessage(message),
    requestId: safeInteger(message.requestId, 'log chunk: request_id'),
    data: message.data,
    nextOffset: safeInteger(message.nextOffset, 'log chunk: next_offset'),
    missing: message.missing,
  };
}

export function logChunkReplyToMessage(): LogChunkReplyMessage {
  return create(LogChunkReplySchema);
}

/** `sweeper logs --follow`: the output of a trial's running run, from a byte on. */
export interface LogsRequest {
  readonly study: string;
  readonly trialNumber: number;
  readonly repeat: number;
  readonly offset: number;
}

export function logsRequestToMessage(request: LogsRequest): LogsRequestMessage {
  return create(LogsRequestSchema, { ...request, offset: BigInt(request.offset) });
}

export function logsRequestFromMessage(message: LogsRequestMessage): LogsRequest {
  return {
    study: checkWire(studyNameSchema, message.study, 'logs: study'),
    trialNumber: message.trialNumber,
    repeat: message.repeat,
    offset: safeInteger(message.offset, 'logs: offset'),
  };
}

export interface LogsReply {
  readonly data: Uint8Array;
  readonly nextOffset: number;
  /** The run goes on; once false, `data` may still hold the rest of an ended run's output. */
  readonly running: boolean;
  /** The attempt whose log this is (0 when nothing runs). */
  readonly attempt: number;
}

export function logsReplyToMessage(reply: LogsReply): LogsReplyMessage {
  return create(LogsReplySchema, { ...reply, nextOffset: BigInt(reply.nextOffset) });
}

export function logsReplyFromMessage(message: LogsReplyMessage): LogsReply {
  if (message.data.length > WIRE_LIMITS.logChunk)
    throw new InvalidArgumentError(`logs reply: data must be at most ${WIRE_LIMITS.logChunk} bytes, but got ${message.data.length}`);
  return {
    data: message.data,
    nextOffset: safeInteger(message.nextOffset, 'logs reply: next_offset'),
    running: message.running,
    attempt: message.attempt,
  };
}
