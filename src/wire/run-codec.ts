import { z } from 'zod';
import { checkWire } from './check-wire.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { EpochReport, RunAssignment, RunOutcome } from '../execution/run-assignment.js';
import { sweepTaskSchema } from '../execution/sweep-task-schema.js';
import { paramValueSchema } from '../space/space-schema.js';
import type { EpochMetrics } from '../store/records.js';
import { METRICS } from '../training/training-task.js';
import type { EpochMetricsMessage, EpochReportMessage, RunAssignmentMessage, RunOutcomeMessage } from './run-messages.js';

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
  };
  const present = Object.fromEntries(Object.entries(metrics).filter(([, value]) => value !== undefined));
  return checkWire(reportSchema, { epoch: message.epoch, metrics: present }, 'epoch report');
}

export function outcomeToMessage(outcome: RunOutcome): RunOutcomeMessage {
  switch (outcome.status) {
    case 'finished':
      return { finished: { epochs: outcome.epochs, train_seconds: outcome.trainSeconds } };
    case 'diverged':
      return { diverged: { epoch: outcome.epoch, reason: outcome.reason, train_seconds: outcome.trainSeconds } };
    case 'stopped':
      return { stopped: { epochs: outcome.epochs, train_seconds: outcome.trainSeconds } };
    case 'error':
      return { error: { message: outcome.message } };
  }
}

export function outcomeFromMessage(message: RunOutcomeMessage): RunOutcome {
  if ('finished' in message && message.finished) return { status: 'finished', epochs: message.finished.epochs, trainSeconds: message.finished.train_seconds };
  if ('diverged' in message && message.diverged) return { status: 'diverged', epoch: message.diverged.epoch, reason: message.diverged.reason, trainSeconds: message.diverged.train_seconds };
  if ('stopped' in message && message.stopped) return { status: 'stopped', epochs: message.stopped.epochs, trainSeconds: message.stopped.train_seconds };
  if ('error' in message && message.error) return { status: 'error', message: message.error.message };
  throw new InvalidArgumentError('run outcome: status is required (expected one of finished, diverged, stopped, error)');
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidArgumentError(`run assignment: ${field} must be JSON, but got ${JSON.stringify(text.slice(0, 40))} (${(error as Error).message})`);
  }
}
