import type { EpochReportMessage, RunAssignmentMessage, RunOutcomeMessage } from './run-messages.js';

/**
 * The shapes of proto/sweeper/v1/coordinator.proto as @grpc/proto-loader gives them with
 * { keepCase: true, longs: Number, enums: String, oneofs: true, defaults: true }: absent scalars
 * read as their zero value, an unset oneof member is absent and the oneof's name holds the set one.
 */
export interface RunKeyMessage {
  study: string;
  trial_number: number;
  attempt: number;
  repeat: number;
}

export interface RegisterRequestMessage {
  protocol_version: number;
  worker_id: string;
  host: string;
  pid: number;
  threads: number;
  running: RunKeyMessage[];
  software_version: string;
}

export interface RegisterReplyMessage {
  session: string;
  protocol_version: number;
  lease_ms: number;
  heartbeat_ms: number;
  adopted: RunKeyMessage[];
  abandon: RunKeyMessage[];
}

export interface WorkRequestMessage {
  session: string;
}

export type WorkItemMessage = { item?: 'assign'; assign: RunAssignmentMessage } | { item?: 'stop'; stop: RunKeyMessage };

export interface HeartbeatRequestMessage {
  session: string;
  running: RunKeyMessage[];
  draining: boolean;
}

export interface HeartbeatReplyMessage {
  abandon: RunKeyMessage[];
}

export type RunEventMessage = { run: RunKeyMessage | null } & (
  | { event?: 'epoch'; epoch: EpochReportMessage }
  | { event?: 'end'; end: RunOutcomeMessage }
);

export interface ReportRequestMessage {
  session: string;
  events: RunEventMessage[];
}

export type EventResultMessage = { result?: 'decision'; decision: string } | { result?: 'refused'; refused: { code: number; message: string } };

export interface ReportReplyMessage {
  results: EventResultMessage[];
}

export interface SubmitRequestMessage {
  sweep_yaml: string;
  file_name: string;
  study: string;
}

export interface SubmitReplyMessage {
  study: string;
  budget: number;
}

export interface WorkerStatusMessage {
  worker_id: string;
  host: string;
  pid: number;
  threads: number;
  busy: number;
  connected: boolean;
  draining: boolean;
  silent_ms: number;
  software_version: string;
}

export interface RunStatusMessage {
  run: RunKeyMessage;
  worker_id: string;
  epoch: number;
  running_ms: number;
}

export interface StudyStatusMessage {
  name: string;
  budget: number;
  queued: number;
  running: number;
  complete: number;
  pruned: number;
  failed: number;
  best_value?: number;
  metric: string;
  direction: string;
  active: boolean;
}

export interface StatusReplyMessage {
  protocol_version: number;
  workers: WorkerStatusMessage[];
  runs: RunStatusMessage[];
  studies: StudyStatusMessage[];
}
