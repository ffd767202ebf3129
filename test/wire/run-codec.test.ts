import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import type { EpochReport, RunOutcome } from '../../src/core/run-report.js';
import type { RunAssignment } from '../../src/execution/run-assignment.js';
import {
  assignmentFromMessage,
  assignmentToMessage,
  epochReportFromMessage,
  epochReportToMessage,
  outcomeFromMessage,
  logTail,
  outcomeToMessage,
} from '../../src/wire/run-codec.js';
import { LOG_TAIL_BYTES } from '../../src/core/run-report.js';
import {
  EpochReportSchema,
  ObjectiveSchema,
  RunAssignmentSchema,
  RunOutcomeSchema,
  type RunAssignment as RunAssignmentMessage,
  type RunOutcome as RunOutcomeMessage,
} from '../../src/wire/gen/sweeper/v1/runs_pb.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';

/** The message as the other side reads it off the wire. */
function wire<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): MessageShape<Desc> {
  return fromBinary(schema, toBinary(schema, message));
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

const syntheticAssignment: RunAssignment = {
  ...assignment,
  task: {
    type: 'synthetic',
    epochs: 5,
    epochSeconds: 0.25,
    noise: 0.05,
    optimum: { optimizer: 'adam', learning_rate: 0.01, momentum: 0.45, width: 16 },
    scales: {
      optimizer: { choices: ['sgd', 'adam'] },
      learning_rate: { low: 0.001, high: 0.1, log: true },
      momentum: { low: 0, high: 0.9, log: false },
      width: { low: 8, high: 32, log: false },
    },
  },
};

/** The synthetic assignment's message with its task edited. */
function withSyntheticTask(
  edit: (task: Record<string, unknown> & { scales: Record<string, Record<string, unknown>>; optimum: Record<string, unknown> }) => void,
): RunAssignmentMessage {
  const message = assignmentToMessage(syntheticAssignment);
  const task = JSON.parse(message.taskJson) as Parameters<typeof edit>[0];
  edit(task);
  return { ...message, taskJson: JSON.stringify(task) };
}

describe('wire contract (proto/sweeper/v1/runs.proto)', () => {
  test('a run assignment survives protobuf encoding unchanged', () => {
    assert.deepEqual(assignmentFromMessage(wire(RunAssignmentSchema, assignmentToMessage(assignment))), assignment);
  });

  test('a synthetic assignment survives protobuf encoding unchanged', () => {
    assert.deepEqual(assignmentFromMessage(wire(RunAssignmentSchema, assignmentToMessage(syntheticAssignment))), syntheticAssignment);
  });

  test('a malformed synthetic task is refused with the field named', () => {
    const refused = (edit: Parameters<typeof withSyntheticTask>[0], message: string | RegExp): void => {
      assert.throws(() => assignmentFromMessage(withSyntheticTask(edit)), { name: 'InvalidArgumentError', message });
    };
    refused((t) => (t.epochSeconds = -1), 'run assignment: task.epochSeconds: must be >= 0, but got -1');
    refused((t) => (t.epochs = 0), 'run assignment: task.epochs: must be >= 1, but got 0');
    refused((t) => delete t.noise, 'run assignment: task.noise: is required (expected a number)');
    refused(
      (t) => (t.type = 'simulate'),
      'run assignment: task.type: expected one of "train", "command", "module", "synthetic", but got "simulate"',
    );
    refused(
      (t) => (t.dataset = {}),
      /^run assignment: task\.dataset: unknown field \(expected one of: type, epochs, epochSeconds, noise, optimum, scales\)$/,
    );
    refused((t) => delete t.optimum.width, 'run assignment: task.optimum.width: is required: every parameter of scales needs an optimum');
    refused(
      (t) => (t.optimum.depth = 2),
      'run assignment: task.optimum.depth: is not a parameter of scales (expected one of: optimizer, learning_rate, momentum, width)',
    );
    refused(
      (t) => (t.optimum.optimizer = 'rmsprop'),
      'run assignment: task.optimum.optimizer: must be one of "sgd", "adam", but got "rmsprop"',
    );
    refused(
      (t) => (t.optimum.learning_rate = 'fast'),
      'run assignment: task.optimum.learning_rate: must be a positive number, but got "fast"',
    );
    refused(
      (t) => (t.scales.width = { low: 32, high: 8, log: false }),
      'run assignment: task.scales.width.low: must be < high (8), but got 32',
    );
    refused(
      (t) => (t.scales.learning_rate = { low: 0, high: 0.1, log: true }),
      'run assignment: task.scales.learning_rate.low: must be > 0 on a log scale, but got 0',
    );
  });

  test('epoch reports keep present metrics and leave absent ones absent', () => {
    const report: EpochReport = { epoch: 3, metrics: { trainLoss: 0.25, valAccuracy: 0.9, epochSeconds: 1.5, mutualInformation: 1.93 } };
    assert.deepEqual(epochReportFromMessage(wire(EpochReportSchema, epochReportToMessage(report))), report);
    const own: EpochReport = { epoch: 1, metrics: { valLoss: 0.5, extra: { f1: 0.75, perplexity: 12.5 } } };
    assert.deepEqual(epochReportFromMessage(wire(EpochReportSchema, epochReportToMessage(own))), own);
  });

  test('every kind of outcome survives encoding', () => {
    const outcomes: RunOutcome[] = [
      { status: 'finished', epochs: 4, trainSeconds: 12.5 },
      {
        status: 'finished',
        epochs: 4,
        trainSeconds: 12.5,
        test: {
          epoch: 3,
          loss: 0.31,
          accuracy: 0.75,
          confusion: [
            [2, 1, 0],
            [0, 3, 0],
            [1, 0, 1],
          ],
        },
      },
      {
        status: 'stopped',
        epochs: 2,
        trainSeconds: 1.5,
        test: {
          epoch: 2,
          loss: 0.5,
          accuracy: 0.5,
          confusion: [
            [1, 1],
            [0, 0],
          ],
        },
      },
      { status: 'diverged', epoch: 2, reason: 'diverged at epoch 2: training loss is NaN', trainSeconds: 3 },
      { status: 'stopped', epochs: 1, trainSeconds: 0.5 },
      { status: 'error', message: 'out of memory' },
      // A user's own program: a test evaluation without a confusion matrix; the end of its output.
      { status: 'finished', epochs: 3, trainSeconds: 2, test: { epoch: 2, loss: 0.4, accuracy: 0.8 }, log: 'epoch 3\n' },
      { status: 'error', message: 'exit code 1', log: 'Traceback (most recent call last):\n  ValueError: é\n' },
    ];
    for (const outcome of outcomes) assert.deepEqual(outcomeFromMessage(wire(RunOutcomeSchema, outcomeToMessage(outcome))), outcome);
  });

  test("a run's log longer than twice LOG_TAIL_BYTES is cut to its end, never inside a character", () => {
    const long = `${'x'.repeat(LOG_TAIL_BYTES * 3)}${'é'.repeat(LOG_TAIL_BYTES)}end\n`;
    const outcome = outcomeFromMessage(wire(RunOutcomeSchema, outcomeToMessage({ status: 'error', message: 'failed', log: long })));
    const log = outcome.log ?? assert.fail('the log is kept');
    assert.ok(Buffer.byteLength(log) <= LOG_TAIL_BYTES * 2);
    assert.ok(Buffer.byteLength(log) >= LOG_TAIL_BYTES * 2 - 1);
    assert.ok(long.endsWith(log), 'the end is kept');
    assert.doesNotMatch(log, /\uFFFD/);
    const exact = 'y'.repeat(LOG_TAIL_BYTES * 2);
    assert.equal(outcomeFromMessage(outcomeToMessage({ status: 'error', message: 'failed', log: exact })).log, exact);
    assert.equal(logTail('aé', 2), 'é');
    assert.equal(logTail('aé', 1), '', 'a cut inside a character keeps nothing of it');
  });

  test('bad messages are refused with the field named', () => {
    const message = assignmentToMessage(assignment);
    assert.throws(
      () => assignmentFromMessage({ ...message, taskJson: '{"type": "train"' }),
      /^InvalidArgumentError: run assignment: task_json must be JSON, but got/,
    );
    assert.throws(() => assignmentFromMessage({ ...message, attempt: 0 }), { message: 'run assignment: attempt: must be >= 1, but got 0' });
    const task = JSON.parse(message.taskJson) as { training: Record<string, unknown> };
    task.training.learning_rate = -1;
    assert.throws(() => assignmentFromMessage({ ...message, taskJson: JSON.stringify(task) }), {
      message: 'run assignment: task.training.learning_rate: must be > 0, but got -1',
    });
    assert.throws(
      () => assignmentFromMessage({ ...message, objective: create(ObjectiveSchema, { metric: 'Accuracy!', direction: 'maximize' }) }),
      { message: /objective\.metric: / },
    );
    assert.throws(() => epochReportFromMessage(create(EpochReportSchema, { epoch: 1, metrics: { extra: { 'F 1': 0.5 } } })), {
      message: /epoch report: metrics\.extra\.F 1: /,
    });
    assert.throws(() => epochReportFromMessage(create(EpochReportSchema, { epoch: 1, metrics: { valAccuracy: 1.5 } })), {
      message: 'epoch report: metrics.valAccuracy: must be <= 1, but got 1.5',
    });
    assert.throws(() => epochReportFromMessage(create(EpochReportSchema, { epoch: 1, metrics: { trainLoss: Number.NaN } })), {
      message: /epoch report: metrics\.trainLoss: expected a number, but got NaN/,
    });
    assert.throws(() => outcomeFromMessage(create(RunOutcomeSchema)), { message: /status is required/ });
    const test = { epoch: 1, loss: 0.5, accuracy: 0.5, classes: 2, confusion: [1, 1, 0, 0] };
    const finished = (edit: Partial<typeof test>): RunOutcomeMessage =>
      create(RunOutcomeSchema, { status: { case: 'finished', value: { epochs: 1, trainSeconds: 1, test: { ...test, ...edit } } } });
    assert.throws(() => outcomeFromMessage(finished({ confusion: [1, 1, 0] })), {
      message: 'outcome: test: confusion: confusion must hold classes x classes counts',
    });
    assert.throws(() => outcomeFromMessage(finished({ accuracy: 1.5 })), { message: 'outcome: test: accuracy: must be <= 1, but got 1.5' });
    assert.throws(() => outcomeFromMessage(finished({ classes: 5000, confusion: [] })), {
      message: /outcome: test: classes: must be <= 1000, but got 5000/,
    });
    assert.throws(() => outcomeFromMessage(finished({ confusion: [0, 0, 0, 0] })), {
      message: 'outcome: test: confusion: confusion must count at least one example',
    });
  });
});
