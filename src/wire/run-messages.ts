/**
 * The shapes of proto/sweeper/v1/runs.proto as @grpc/proto-loader gives them with
 * { keepCase: true, longs: Number, enums: String, oneofs: true }.
 */
export interface ObjectiveMessage {
  metric: string;
  direction: string;
}

export interface RunAssignmentMessage {
  study: string;
  trial_number: number;
  attempt: number;
  repeat: number;
  seed: number;
  params_json: string;
  task_json: string;
  objective: ObjectiveMessage | null;
}

export interface EpochMetricsMessage {
  train_loss?: number;
  train_accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  learning_rate?: number;
  epoch_seconds?: number;
  mutual_information?: number;
}

export interface EpochReportMessage {
  epoch: number;
  metrics: EpochMetricsMessage | null;
}

export type RunOutcomeMessage =
  | { status?: 'finished'; finished: { epochs: number; train_seconds: number; test?: TestEvaluationMessage | null } }
  | { status?: 'diverged'; diverged: { epoch: number; reason: string; train_seconds: number } }
  | { status?: 'stopped'; stopped: { epochs: number; train_seconds: number; test?: TestEvaluationMessage | null } }
  | { status?: 'error'; error: { message: string } };

export interface TestEvaluationMessage {
  epoch: number;
  loss: number;
  accuracy: number;
  classes: number;
  confusion: number[];
}

export const PROTO_LOADER_OPTIONS = { keepCase: true, longs: Number, enums: String, oneofs: true } as const;
