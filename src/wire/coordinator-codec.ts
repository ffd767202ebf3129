import { z } from 'zod';
import { checkWire } from './check-wire.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { EpochReport, RunKey, RunOutcome } from '../execution/run-assignment.js';
import { studyNameSchema } from '../study/study-options.js';
import type { HeartbeatRequestMessage, RegisterRequestMessage, ReportRequestMessage, RunKeyMessage, SubmitRequestMessage } from './coordinator-messages.js';
import { epochReportFromMessage, outcomeFromMessage } from './run-codec.js';

/**
 * Checks what workers and users send the coordinator. Everything that comes off the wire is
 * untrusted: a message that fails here is refused whole, before anything is written.
 */
export const WIRE_LIMITS = {
  /** Runs a worker may execute at once. */
  threads: 4096,
  /** Events in one Report call. */
  events: 10_000,
  /** Characters of a failure message or reason. */
  text: 4096,
  /** Bytes of a submitted sweep file. */
  sweepFile: 1 << 20,
} as const;

const workerIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/, 'an id of up to 128 letters, digits, "_", ".", ":", "@" and "-"');
const sessionSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'the session id the coordinator gave at registration');
const uint = z.number().int().min(0).max(2 ** 32 - 1);

const runKeySchema = z.strictObject({
  study: studyNameSchema,
  trialNumber: uint,
  attempt: z.number().int().min(1).max(2 ** 32 - 1),
  repeat: uint,
});
const runKeysSchema = z.array(runKeySchema).max(WIRE_LIMITS.threads);

export interface RegisterRequest {
  readonly protocolVersion: number;
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly threads: number;
  readonly running: RunKey[];
  readonly softwareVersion: string;
}

const registerSchema = z.strictObject({
  protocolVersion: uint,
  workerId: workerIdSchema,
  host: z.string().min(1).max(253),
  pid: uint,
  threads: z.number().int().min(1).max(WIRE_LIMITS.threads),
  running: runKeysSchema,
  softwareVersion: z.string().max(64),
});

export function registerFromMessage(message: RegisterRequestMessage): RegisterRequest {
  return checkWire(registerSchema, {
    protocolVersion: message.protocol_version,
    workerId: message.worker_id,
    host: message.host,
    pid: message.pid,
    threads: message.threads,
    running: (message.running ?? []).map(keyFields),
    softwareVersion: message.software_version,
  }, 'register');
}

export interface HeartbeatRequest {
  readonly session: string;
  readonly running: RunKey[];
  readonly draining: boolean;
}

const heartbeatSchema = z.strictObject({ session: sessionSchema, running: runKeysSchema, draining: z.boolean() });

export function heartbeatFromMessage(message: HeartbeatRequestMessage): HeartbeatRequest {
  return checkWire(heartbeatSchema, { session: message.session, running: (message.running ?? []).map(keyFields), draining: message.draining }, 'heartbeat');
}

export function sessionFromMessage(message: { session: string }): string {
  return checkWire(sessionSchema, message.session, 'session');
}

export type RunEvent = { readonly run: RunKey } & ({ readonly type: 'epoch'; readonly report: EpochReport } | { readonly type: 'end'; readonly outcome: RunOutcome });

export interface ReportRequest {
  readonly session: string;
  readonly events: RunEvent[];
}

const text = z.string().max(WIRE_LIMITS.text);
const seconds = z.number().finite().min(0);
const epochs = z.number().int().min(0).max(1_000_000);
const outcomeSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('finished'), epochs, trainSeconds: seconds }),
  z.strictObject({ status: z.literal('diverged'), epoch: epochs, reason: text, trainSeconds: seconds }),
  z.strictObject({ status: z.literal('stopped'), epochs, trainSeconds: seconds }),
  z.strictObject({ status: z.literal('error'), message: text }),
]);

export function reportFromMessage(message: ReportRequestMessage): ReportRequest {
  const session = sessionFromMessage(message);
  const events = message.events ?? [];
  if (events.length > WIRE_LIMITS.events) {
    throw new InvalidArgumentError(`report: events must hold at most ${WIRE_LIMITS.events} events, but got ${events.length}`);
  }
  return {
    session,
    events: events.map((event, index): RunEvent => {
      const where = `report: events[${index}]`;
      const run = checkWire(runKeySchema, event.run ? keyFields(event.run) : undefined, `${where}.run`);
      try {
        if ('epoch' in event && event.epoch) return { run, type: 'epoch', report: epochReportFromMessage(event.epoch) };
        if ('end' in event && event.end) return { run, type: 'end', outcome: checkWire(outcomeSchema, outcomeFromMessage(event.end), 'outcome') };
      } catch (error) {
        throw new InvalidArgumentError(`${where}: ${(error as Error).message}`);
      }
      throw new InvalidArgumentError(`${where}: event is required (expected epoch or end)`);
    }),
  };
}

export interface SubmitRequest {
  readonly sweepYaml: string;
  readonly fileName: string;
  readonly study?: string;
}

export function submitFromMessage(message: SubmitRequestMessage): SubmitRequest {
  const bytes = Buffer.byteLength(message.sweep_yaml ?? '');
  if (bytes > WIRE_LIMITS.sweepFile) throw new InvalidArgumentError(`submit: sweep_yaml must be at most ${WIRE_LIMITS.sweepFile} bytes, but got ${bytes}`);
  if (bytes === 0) throw new InvalidArgumentError('submit: sweep_yaml must be the sweep file\'s text, but got nothing');
  const study = message.study ? checkWire(studyNameSchema, message.study, 'submit: study') : undefined;
  const fileName = checkWire(z.string().max(4096), message.file_name || 'sweep.yaml', 'submit: file_name');
  return { sweepYaml: message.sweep_yaml, fileName, ...(study !== undefined && { study }) };
}

export function keyToMessage(key: RunKey): RunKeyMessage {
  return { study: key.study, trial_number: key.trialNumber, attempt: key.attempt, repeat: key.repeat };
}

function keyFields(key: RunKeyMessage): Record<keyof RunKey, unknown> {
  return { study: key.study, trialNumber: key.trial_number, attempt: key.attempt, repeat: key.repeat };
}
