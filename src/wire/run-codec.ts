import { create } from '@bufbuild/protobuf';
import { z } from 'zod';
import { DIRECTIONS } from '../core/direction.js';
import { checkWire } from './check-wire.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { LOG_TAIL_BYTES, type EpochReport, type RunOutcome, type TestEvaluation } from '../core/run-report.js';
import type { CheckpointPlan, ResumePoint, RunAssignment, RunKey } from '../execution/run-assignment.js';
import { sweepTaskSchema } from '../execution/sweep-task-schema.js';
import { paramValueSchema } from '../space/space-schema.js';
import { studyNameSchema } from '../study/study-options.js';
import { METRIC_NAME, type EpochMetrics } from '../core/metrics.js';
import type { RunKey as RunKeyMessage } from './gen/sweeper/v1/coordinator_pb.js';
import { RunKeySchema } from './gen/sweeper/v1/coordinator_pb.js';
import {
  CheckpointHeaderSchema,
  CheckpointPlanSchema,
  EpochMetricsSchema,
  EpochReportSchema,
  ObjectiveSchema,
  RunAssignmentSchema,
  RunOutcome_DivergedSchema,
  RunOutcome_ErroredSchema,
  RunOutcome_FinishedSchema,
  RunOutcome_StoppedSchema,
  RunOutcomeSchema,
  TestEvaluationSchema,
  type CheckpointHeader as CheckpointHeaderMessage,
  type CheckpointPlan as CheckpointPlanMessage,
  type EpochReport as EpochReportMessage,
  type RunAssignment as RunAssignmentMessage,
  type RunOutcome as RunOutcomeMessage,
  type TestEvaluation as TestEvaluationMessage,
} from './gen/sweeper/v1/runs_pb.js';

/**
 * Converts runs between their TypeScript shape and the messages generated from
 * proto/sweeper/v1/runs.proto. Decoding checks every field: what comes off the wire is untrusted
 * until it passes here. Every field of every message must survive decode → encode
 * (test/wire/round-trip.test.ts walks the descriptors to prove it), so a field added to the
 * .proto cannot be dropped on one side unnoticed.
 */

const uint32 = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);
const finite = z.number().finite();

export const WIRE_TEXT_LIMIT = 4096;
const text = z.string().max(WIRE_TEXT_LIMIT);

const runKeySchema = z.strictObject({
  study: studyNameSchema,
  trialNumber: uint32,
  attempt: uint32.min(1),
  repeat: uint32,
});

export function keyToMessage(key: RunKey): RunKeyMessage {
  return create(RunKeySchema, { study: key.study, trialNumber: key.trialNumber, attempt: key.attempt, repeat: key.repeat });
}

export function keyFromMessage(message: Pick<RunKeyMessage, keyof RunKey> | undefined, what = 'run'): RunKey {
  if (!message) throw new InvalidArgumentError(`${what}: is required (expected a run key)`);
  return checkWire(
    runKeySchema,
    { study: message.study, trialNumber: message.trialNumber, attempt: message.attempt, repeat: message.repeat },
    what,
  );
}

export function assignmentToMessage(assignment: RunAssignment): RunAssignmentMessage {
  return create(RunAssignmentSchema, {
    study: assignment.study,
    trialNumber: assignment.trialNumber,
    attempt: assignment.attempt,
    repeat: assignment.repeat,
    seed: BigInt(assignment.seed),
    paramsJson: JSON.stringify(assignment.params),
    taskJson: JSON.stringify(assignment.task),
    objective: create(ObjectiveSchema, { metric: assignment.objective.metric, direction: assignment.objective.direction }),
    ...(assignment.checkpoint && { checkpoint: checkpointPlanToMessage(assignment.checkpoint) }),
  });
}

/** The most bytes a checkpoint may have: a model of 250 million parameters with Adam's two slots. */
export const MAX_CHECKPOINT_BYTES = 3 * 1024 ** 3;

export const checkpointHeaderSchema = z.strictObject({
  epoch: uint32.min(1),
  bytes: z.number().int().min(1).max(MAX_CHECKPOINT_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits (a SHA-256)'),
});

export function checkpointHeaderToMessage(header: ResumePoint): CheckpointHeaderMessage {
  return create(CheckpointHeaderSchema, { epoch: header.epoch, bytes: BigInt(header.bytes), sha256: header.sha256 });
}

/** The message's header as numbers; checked by the schema of whoever decodes it. */
export function checkpointHeaderFields(message: CheckpointHeaderMessage): ResumePoint {
  return { epoch: message.epoch, bytes: Number(message.bytes), sha256: message.sha256 };
}

function checkpointPlanToMessage(plan: CheckpointPlan): CheckpointPlanMessage {
  return create(CheckpointPlanSchema, {
    every: plan.every,
    final: plan.final,
    ...(plan.resume && { resume: checkpointHeaderToMessage(plan.resume) }),
    stopAfter: plan.stopAfter ?? 0,
    freshBest: plan.freshBest ?? false,
  });
}

const assignmentSchema = z.strictObject({
  study: studyNameSchema,
  trialNumber: uint32,
  attempt: uint32.min(1),
  repeat: uint32,
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  params: z.record(z.string(), paramValueSchema),
  task: sweepTaskSchema,
  objective: z.strictObject({ metric: z.string().regex(METRIC_NAME), direction: z.enum(DIRECTIONS) }),
  checkpoint: z
    .strictObject({
      every: uint32.min(1),
      final: z.boolean(),
      resume: checkpointHeaderSchema.optional(),
      stopAfter: uint32.min(1).optional(),
      freshBest: z.boolean().optional(),
    })
    .optional(),
});

export function assignmentFromMessage(message: RunAssignmentMessage): RunAssignment {
  const candidate = {
    study: message.study,
    trialNumber: message.trialNumber,
    attempt: message.attempt,
    repeat: message.repeat,
    seed: Number(message.seed),
    params: parseJson(message.paramsJson, 'params_json'),
    task: parseJson(message.taskJson, 'task_json'),
    objective: message.objective && { metric: message.objective.metric, direction: message.objective.direction },
    ...(message.checkpoint && {
      checkpoint: {
        every: message.checkpoint.every,
        final: message.checkpoint.final,
        ...(message.checkpoint.resume && { resume: checkpointHeaderFields(message.checkpoint.resume) }),
        ...(message.checkpoint.stopAfter !== 0 && { stopAfter: message.checkpoint.stopAfter }),
        ...(message.checkpoint.freshBest && { freshBest: true }),
      },
    }),
  };
  return checkWire(assignmentSchema, candidate, 'run assignment');
}

export function epochReportToMessage(report: EpochReport): EpochReportMessage {
  const m = report.metrics;
  return create(EpochReportSchema, {
    epoch: report.epoch,
    metrics: create(EpochMetricsSchema, {
      trainLoss: m.trainLoss,
      trainAccuracy: m.trainAccuracy,
      valLoss: m.valLoss,
      valAccuracy: m.valAccuracy,
      learningRate: m.learningRate,
      epochSeconds: m.epochSeconds,
      mutualInformation: m.mutualInformation,
      extra: { ...m.extra },
    }),
  });
}

const epochReportSchema = z.strictObject({
  epoch: z.number().int().min(1),
  metrics: z.strictObject({
    trainLoss: finite.min(0).optional(),
    trainAccuracy: finite.min(0).max(1).optional(),
    valLoss: finite.min(0).optional(),
    valAccuracy: finite.min(0).max(1).optional(),
    learningRate: finite.min(0).optional(),
    epochSeconds: finite.min(0).optional(),
    // The KSG estimate can come out slightly negative when there is no information.
    mutualInformation: finite.optional(),
    extra: z.record(z.string().regex(METRIC_NAME), finite).optional(),
  }),
});

export function epochReportFromMessage(message: EpochReportMessage): EpochReport {
  const m = message.metrics;
  const metrics: Record<keyof EpochMetrics, EpochMetrics[keyof EpochMetrics]> = {
    trainLoss: m?.trainLoss,
    trainAccuracy: m?.trainAccuracy,
    valLoss: m?.valLoss,
    valAccuracy: m?.valAccuracy,
    learningRate: m?.learningRate,
    epochSeconds: m?.epochSeconds,
    mutualInformation: m?.mutualInformation,
    extra: m && Object.keys(m.extra).length > 0 ? m.extra : undefined,
  };
  const present = Object.fromEntries(Object.entries(metrics).filter(([, value]) => value !== undefined));
  return checkWire(epochReportSchema, { epoch: message.epoch, metrics: present }, 'epoch report');
}

export function outcomeToMessage(outcome: RunOutcome): RunOutcomeMessage {
  const message = statusToMessage(outcome);
  if (outcome.log !== undefined) message.log = outcome.log;
  return message;
}

function statusToMessage(outcome: RunOutcome): RunOutcomeMessage {
  switch (outcome.status) {
    case 'finished':
      return create(RunOutcomeSchema, {
        status: {
          case: 'finished',
          value: create(RunOutcome_FinishedSchema, {
            epochs: outcome.epochs,
            trainSeconds: outcome.trainSeconds,
            test: outcome.test && testToMessage(outcome.test),
          }),
        },
      });
    case 'diverged':
      return create(RunOutcomeSchema, {
        status: {
          case: 'diverged',
          value: create(RunOutcome_DivergedSchema, { epoch: outcome.epoch, reason: outcome.reason, trainSeconds: outcome.trainSeconds }),
        },
      });
    case 'stopped':
      return create(RunOutcomeSchema, {
        status: {
          case: 'stopped',
          value: create(RunOutcome_StoppedSchema, {
            epochs: outcome.epochs,
            trainSeconds: outcome.trainSeconds,
            test: outcome.test && testToMessage(outcome.test),
          }),
        },
      });
    case 'error':
      return create(RunOutcomeSchema, { status: { case: 'error', value: create(RunOutcome_ErroredSchema, { message: outcome.message }) } });
  }
}

const seconds = finite.min(0);
const epochs = z.number().int().min(0).max(1_000_000);
const trainedSchema = z.strictObject({ status: z.enum(['finished', 'stopped']), epochs, trainSeconds: seconds });
const divergedSchema = z.strictObject({ status: z.literal('diverged'), epoch: epochs, reason: text, trainSeconds: seconds });
const erroredSchema = z.strictObject({ status: z.literal('error'), message: text });

/** The most of a run's log the coordinator takes: a worker sends at most LOG_TAIL_BYTES. */
export const WIRE_LOG_LIMIT = LOG_TAIL_BYTES * 2;

export function outcomeFromMessage(message: RunOutcomeMessage): RunOutcome {
  const outcome = statusFromMessage(message);
  return message.log === '' ? outcome : { ...outcome, log: logTail(message.log, WIRE_LOG_LIMIT) };
}

/** The last `limit` bytes of a log (UTF-8), without a character cut in two at the start. */
export function logTail(log: string, limit: number): string {
  const bytes = Buffer.from(log, 'utf8');
  if (bytes.length <= limit) return log;
  let start = bytes.length - limit;
  // Continuation bytes (10xxxxxx) belong to the character before the cut.
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}

function statusFromMessage(message: RunOutcomeMessage): RunOutcome {
  const { status } = message;
  switch (status.case) {
    case 'finished':
    case 'stopped': {
      const { epochs, trainSeconds, test } = status.value;
      const trained = checkWire(trainedSchema, { status: status.case, epochs, trainSeconds }, 'outcome');
      return { ...trained, ...(test && { test: testFromMessage(test) }) };
    }
    case 'diverged': {
      const { epoch, reason, trainSeconds } = status.value;
      return checkWire(divergedSchema, { status: 'diverged', epoch, reason, trainSeconds }, 'outcome');
    }
    case 'error':
      return checkWire(erroredSchema, { status: 'error', message: status.value.message }, 'outcome');
    case undefined:
      throw new InvalidArgumentError('outcome: status is required (expected one of finished, diverged, stopped, error)');
  }
}

function testToMessage(test: TestEvaluation): TestEvaluationMessage {
  return create(TestEvaluationSchema, {
    epoch: test.epoch,
    loss: test.loss,
    accuracy: test.accuracy,
    classes: test.confusion?.length ?? 0,
    confusion: test.confusion?.flat() ?? [],
  });
}

/** EMNIST balanced has 47 classes; far beyond any classification dataset we read. */
const MAX_CLASSES = 1000;

const testSchema = z
  .strictObject({
    epoch: z.number().int().min(1),
    loss: finite.min(0),
    accuracy: finite.min(0).max(1),
    // 0: no confusion matrix (a user's own program reports only accuracy and loss).
    classes: z.number().int().min(0).max(MAX_CLASSES),
    confusion: z.array(z.number().int().min(0)),
  })
  .refine((test) => test.confusion.length === test.classes * test.classes, {
    message: 'confusion must hold classes x classes counts',
    path: ['confusion'],
  })
  .refine((test) => test.classes === 0 || test.confusion.some((count) => count > 0), {
    message: 'confusion must count at least one example',
    path: ['confusion'],
  });

function testFromMessage(message: TestEvaluationMessage): TestEvaluation {
  const { epoch, loss, accuracy, classes, confusion: counts } = message;
  const test = checkWire(testSchema, { epoch, loss, accuracy, classes, confusion: counts }, 'outcome: test');
  const evaluation = { epoch: test.epoch, loss: test.loss, accuracy: test.accuracy };
  if (test.classes === 0) return evaluation;
  const confusion = Array.from({ length: test.classes }, (_, row) => test.confusion.slice(row * test.classes, (row + 1) * test.classes));
  return { ...evaluation, confusion };
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidArgumentError(
      `run assignment: ${field} must be JSON, but got ${JSON.stringify(text.slice(0, 40))} (${(error as Error).message})`,
    );
  }
}
