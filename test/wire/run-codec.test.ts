import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSync, type MessageTypeDefinition } from '@grpc/proto-loader';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import type { EpochReport, RunAssignment, RunOutcome } from '../../src/execution/run-assignment.js';
import { assignmentFromMessage, assignmentToMessage, epochReportFromMessage, epochReportToMessage, outcomeFromMessage, outcomeToMessage } from '../../src/wire/run-codec.js';
import { PROTO_LOADER_OPTIONS, type EpochReportMessage, type RunAssignmentMessage, type RunOutcomeMessage } from '../../src/wire/run-messages.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

const PROTO = fileURLToPath(new URL('../../../proto/sweeper/v1/runs.proto', import.meta.url));
const definitions = loadSync(PROTO, PROTO_LOADER_OPTIONS);

function wire<T>(name: string, message: T): T {
  const type = definitions[`sweeper.v1.${name}`] as unknown as MessageTypeDefinition<T, T>;
  return type.deserialize(type.serialize(message));
}

const { definition } = parseSweep(tinySweepYaml(), 'tiny.yaml');
const assignment: RunAssignment = {
  study: 'tiny',
  trialNumber: 12,
  attempt: 2,
  repeat: 1,
  seed: 4_000_000_000,
  params: { optimizer: 'sgd', learning_rate: 0.0123, momentum: 0.9, width: 24 },
  task: definition.task ?? assert.fail('the tiny sweep trains'),
  objective: { metric: 'val_accuracy', direction: 'maximize' },
};

describe('wire contract (proto/sweeper/v1/runs.proto)', () => {
  test('a run assignment survives protobuf encoding unchanged', () => {
    assert.deepEqual(assignmentFromMessage(wire<RunAssignmentMessage>('RunAssignment', assignmentToMessage(assignment))), assignment);
  });

  test('epoch reports keep present metrics and leave absent ones absent', () => {
    const report: EpochReport = { epoch: 3, metrics: { trainLoss: 0.25, valAccuracy: 0.9, epochSeconds: 1.5 } };
    assert.deepEqual(epochReportFromMessage(wire<EpochReportMessage>('EpochReport', epochReportToMessage(report))), report);
  });

  test('every kind of outcome survives encoding', () => {
    const outcomes: RunOutcome[] = [
      { status: 'finished', epochs: 4, trainSeconds: 12.5 },
      { status: 'diverged', epoch: 2, reason: 'diverged at epoch 2: training loss is NaN', trainSeconds: 3 },
      { status: 'stopped', epochs: 1, trainSeconds: 0.5 },
      { status: 'error', message: 'out of memory' },
    ];
    for (const outcome of outcomes) assert.deepEqual(outcomeFromMessage(wire<RunOutcomeMessage>('RunOutcome', outcomeToMessage(outcome))), outcome);
  });

  test('bad messages are refused with the field named', () => {
    const message = assignmentToMessage(assignment);
    assert.throws(() => assignmentFromMessage({ ...message, task_json: '{"type": "train"' }), /^InvalidArgumentError: run assignment: task_json must be JSON, but got/);
    assert.throws(() => assignmentFromMessage({ ...message, attempt: 0 }), { message: 'run assignment: attempt: must be >= 1, but got 0' });
    const task = JSON.parse(message.task_json) as { training: Record<string, unknown> };
    task.training.learning_rate = -1;
    assert.throws(() => assignmentFromMessage({ ...message, task_json: JSON.stringify(task) }), { message: 'run assignment: task.training.learning_rate: must be > 0, but got -1' });
    assert.throws(() => assignmentFromMessage({ ...message, objective: { metric: 'accuracy', direction: 'maximize' } }), { message: /objective\.metric: expected one of "val_accuracy"/ });
    assert.throws(() => epochReportFromMessage({ epoch: 1, metrics: { val_accuracy: 1.5 } }), { message: 'epoch report: metrics.valAccuracy: must be <= 1, but got 1.5' });
    assert.throws(() => epochReportFromMessage({ epoch: 1, metrics: { train_loss: Number.NaN } }), { message: /epoch report: metrics\.trainLoss: expected a number, but got NaN/ });
    assert.throws(() => outcomeFromMessage({} as RunOutcomeMessage), { message: /status is required/ });
  });
});
