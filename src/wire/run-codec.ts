import { z } from 'zod';
import { checkWire } from './check-wire.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { EpochReport, RunAssignment, RunOutcome } from '../execution/run-assignment.js';
import { sweepTaskSchema } from '../execution/sweep-task-schema.js';
import { paramValueSchema } from '../space/space-schema.js';
import type { EpochMetrics, TestEvaluation } from '../store/records.js';
import { METRICS } from '../training/training-task.js';
import type { EpochMetricsMessage, EpochReportMessage, RunAssignmentMessage, RunOutcomeMessage, TestEvaluationMessage } from './run-messages.js';

/**
 * Converts runs between their TypeScript shape and the messages of proto/sweeper/v1/runs.proto.
 * Decoding checks every field: what comes off the wire is untrusted until it passes here.
 */
export function assignmentToMessage(assignment: RunAssignment): RunAssignmentMessage {
  return {
    study: assignment.study,
    trial_number: assignment.trialNumber,
    attempt: assignment.attempt,
    repeat: assignment.repeat,
    seed: assignment.seed,
    params_json: JSON.stringify(assignment.params),
    task_json: JSON.stringify(assignment.task),
    objective: { metric: assignment.objective.metric, direction: assignment.objective.direction },
  };
}

const assignmentSchema = z.strictObject({
  study: z.string().min(1),
  trialNumber: z.number().int().min(0),
  attempt: z.number().int().min(1),
  repeat: z.number().int().min(0),
  seed: z.number().int().min(0),
  params: z.record(z.string(), paramValueSchema),
  task: sweepTaskSchema,
  objective: z.strictObject({ metric: z.enum(METRICS), direction: z.enum(['maximize', 'minimize']) }),
});

export function assignmentFromMessage(message: RunAssignmentMessage): RunAssignment {
  const candidate = {
    study: message.study,
    trialNumber: message.trial_number,
    attempt: message.attempt,
    repeat: message.repeat,
    seed: message.seed,
    params: parseJson(message.params_json, 'params_json'),
    task: parseJson(message.task_json, 'task_json'),
    objective: message.objective ?? undefined,
  };
  return checkWire(assignmentSchema, candidate, 'run assignment');
}

export function epochReportToMessage(report: EpochReport): EpochReportMessage {
  const m = report.metrics;
  const metrics: EpochMetricsMessage = {};
  if (m.trainLoss !== undefined) metrics.train_loss = m.trainLoss;
  if (m.trainAccuracy !== undefined) metrics.train_accuracy = m.trainAccuracy;
  if (m.valLoss !== undefined) metrics.val_loss = m.valLoss;
  if (m.valAccuracy !== undefined) metrics.val_accuracy = m.valAccuracy;
  if (m.learningRate !== undefined) metrics.learning_rate = m.learningRate;
  if (m.epochSeconds !== undefined) metrics.epoch_seconds = m.epochSeconds;
  if (m.mutualInformation !== undefined) metrics.mutual_information = m.mutualInformation;
  return { epoch: report.epoch, metrics };
}

const finite = z.number().finite();
const reportSchema = z.strictObject({
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
  }),
});

export function epochReportFromMessage(message: EpochReportMessage): EpochReport {
  const m = message.metrics ?? {};
  const metrics: Record<keyof EpochMetrics, number | undefined> = {
    trainLoss: m.train_loss,
    trainAccuracy: m.train_accuracy,
    valLoss: m.val_loss,
    valAccuracy: m.val_accuracy,
    learningRate: m.learning_rate,
    epochSeconds: m.epoch_seconds,
    mutualInformation: m.mutual_information,
  };
  const present = Object.fromEntries(Object.entries(metrics).filter(([, value]) => value !== undefined));
  return checkWire(reportSchema, { epoch: message.epoch, metrics: present }, 'epoch report');
}

export function outcomeToMessage(outcome: RunOutcome): RunOutcomeMessage {
  switch (outcome.status) {
    case 'finished':
      return { finished: { epochs: outcome.epochs, train_seconds: outcome.trainSeconds, ...(outcome.test && { test: testToMessage(outcome.test) }) } };
    case 'diverged':
      return { diverged: { epoch: outcome.epoch, reason: outcome.reason, train_seconds: outcome.trainSeconds } };
    case 'stopped':
      return { stopped: { epochs: outcome.epochs, train_seconds: outcome.trainSeconds, ...(outcome.test && { test: testToMessage(outcome.test) }) } };
    case 'error':
      return { error: { message: outcome.message } };
  }
}

export function outcomeFromMessage(message: RunOutcomeMessage): RunOutcome {
  if ('finished' in message && message.finished) {
    const { epochs, train_seconds: trainSeconds, test } = message.finished;
    return { status: 'finished', epochs, trainSeconds, ...(test && { test: testFromMessage(test) }) };
  }
  if ('diverged' in message && message.diverged) return { status: 'diverged', epoch: message.diverged.epoch, reason: message.diverged.reason, trainSeconds: message.diverged.train_seconds };
  if ('stopped' in message && message.stopped) {
    const { epochs, train_seconds: trainSeconds, test } = message.stopped;
    return { status: 'stopped', epochs, trainSeconds, ...(test && { test: testFromMessage(test) }) };
  }
  if ('error' in message && message.error) return { status: 'error', message: message.error.message };
  throw new InvalidArgumentError('run outcome: status is required (expected one of finished, diverged, stopped, error)');
}

function testToMessage(test: TestEvaluation): TestEvaluationMessage {
  return { epoch: test.epoch, loss: test.loss, accuracy: test.accuracy, classes: test.confusion.length, confusion: test.confusion.flat() };
}

/** EMNIST balanced has 47 classes; far beyond any classification dataset we read. */
const MAX_CLASSES = 1000;

const testSchema = z
  .strictObject({
    epoch: z.number().int().min(1),
    loss: finite.min(0),
    accuracy: finite.min(0).max(1),
    classes: z.number().int().min(1).max(MAX_CLASSES),
    confusion: z.array(z.number().int().min(0)),
  })
  .refine((test) => test.confusion.length === test.classes * test.classes, {
    message: 'confusion must hold classes x classes counts',
    path: ['confusion'],
  })
  .refine((test) => test.confusion.some((count) => count > 0), { message: 'confusion must count at least one example', path: ['confusion'] });

function testFromMessage(message: TestEvaluationMessage): TestEvaluation {
  const test = checkWire(testSchema, message, 'test evaluation');
  const confusion = Array.from({ length: test.classes }, (_, row) => test.confusion.slice(row * test.classes, (row + 1) * test.classes));
  return { epoch: test.epoch, loss: test.loss, accuracy: test.accuracy, confusion };
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidArgumentError(`run assignment: ${field} must be JSON, but got ${JSON.stringify(text.slice(0, 40))} (${(error as Error).message})`);
  }
}
