import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { create, fromBinary, toBinary, type DescFile, type DescMessage, type Message } from '@bufbuild/protobuf';
import { parseSweep } from '../../src/config/load-sweep-file.js';
import { sweepTaskSchema } from '../../src/execution/sweep-task-schema.js';
import {
  heartbeatFromMessage,
  heartbeatReplyFromMessage,
  heartbeatReplyToMessage,
  heartbeatToMessage,
  logChunkFromMessage,
  logChunkReplyToMessage,
  logChunkToMessage,
  logsReplyFromMessage,
  logsReplyToMessage,
  logsRequestFromMessage,
  logsRequestToMessage,
  registerFromMessage,
  registerReplyFromMessage,
  registerReplyToMessage,
  registerToMessage,
  reportFromMessage,
  reportReplyFromMessage,
  reportReplyToMessage,
  reportToMessage,
  sessionFromMessage,
  submitFromMessage,
  submitReplyFromMessage,
  submitReplyToMessage,
  submitToMessage,
  workItemFromMessage,
  workItemToMessage,
  workRequestToMessage,
  type RunEvent,
} from '../../src/wire/coordinator-codec.js';
import * as coordinatorProto from '../../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { file_sweeper_v1_runs, RunOutcomeSchema, type RunOutcome as RunOutcomeMessage } from '../../src/wire/gen/sweeper/v1/runs_pb.js';
import { outcomeFromMessage, outcomeToMessage } from '../../src/wire/run-codec.js';
import {
  checkpointPieceFromMessage,
  checkpointPieceToMessage,
  loadCheckpointRequestFromMessage,
  loadCheckpointRequestToMessage,
  saveCheckpointReplyToMessage,
} from '../../src/wire/checkpoint-piece-codec.js';
import { tinySweepYaml } from '../helpers/tiny-sweep.js';
import { wireDifferences, wireExamples, type FieldValues } from '../helpers/wire-examples.js';

const { file_sweeper_v1_coordinator: coordinatorFile, Coordinator } = coordinatorProto;
const FILES: DescFile[] = [file_sweeper_v1_runs, coordinatorFile];

/**
 * Each message a side sends, as the receiving side decodes it and the sending side encodes it
 * again. Every field must come back: a field the .proto has but a codec drops (as the end-of-run
 * test evaluation once was) fails here, whichever side forgot it.
 */
type RoundTrip = (message: never) => Message;
const ROUND_TRIPS: Record<string, RoundTrip> = {
  'sweeper.v1.RegisterRequest': (m: coordinatorProto.RegisterRequest) => registerToMessage(registerFromMessage(m)),
  'sweeper.v1.RegisterReply': (m: coordinatorProto.RegisterReply) => registerReplyToMessage(registerReplyFromMessage(m)),
  'sweeper.v1.WorkRequest': (m: coordinatorProto.WorkRequest) => workRequestToMessage(sessionFromMessage(m)),
  'sweeper.v1.WorkItem': (m: coordinatorProto.WorkItem) => workItemToMessage(workItemFromMessage(m)),
  'sweeper.v1.HeartbeatRequest': (m: coordinatorProto.HeartbeatRequest) => heartbeatToMessage(heartbeatFromMessage(m)),
  'sweeper.v1.HeartbeatReply': (m: coordinatorProto.HeartbeatReply) => heartbeatReplyToMessage(heartbeatReplyFromMessage(m)),
  'sweeper.v1.ReportRequest': (m: coordinatorProto.ReportRequest) => {
    const report = reportFromMessage(m);
    const events = report.events.map((event): RunEvent => {
      if (event.type === 'invalid') assert.fail(event.problem);
      return event;
    });
    return reportToMessage({ session: report.session, events });
  },
  'sweeper.v1.ReportReply': (m: coordinatorProto.ReportReply) => reportReplyToMessage(reportReplyFromMessage(m)),
  'sweeper.v1.SubmitRequest': (m: coordinatorProto.SubmitRequest) => submitToMessage(submitFromMessage(m)),
  'sweeper.v1.SubmitReply': (m: coordinatorProto.SubmitReply) => submitReplyToMessage(submitReplyFromMessage(m)),
  'sweeper.v1.LogChunkRequest': (m: coordinatorProto.LogChunkRequest) => logChunkToMessage(logChunkFromMessage(m)),
  'sweeper.v1.LogChunkReply': () => logChunkReplyToMessage(),
  'sweeper.v1.LogsRequest': (m: coordinatorProto.LogsRequest) => logsRequestToMessage(logsRequestFromMessage(m)),
  'sweeper.v1.LogsReply': (m: coordinatorProto.LogsReply) => logsReplyToMessage(logsReplyFromMessage(m)),
  'sweeper.v1.CheckpointPiece': (m: coordinatorProto.CheckpointPiece) => checkpointPieceToMessage(checkpointPieceFromMessage(m)),
  'sweeper.v1.SaveCheckpointReply': () => saveCheckpointReplyToMessage(),
  'sweeper.v1.LoadCheckpointRequest': (m: coordinatorProto.LoadCheckpointRequest) =>
    loadCheckpointRequestToMessage(loadCheckpointRequestFromMessage(m)),
  // Status is read by the CLI and the dashboard as the generated message itself.
  'sweeper.v1.StatusRequest': (m: coordinatorProto.StatusRequest) => m,
  'sweeper.v1.StatusReply': (m: coordinatorProto.StatusReply) => m,
};

const sweepYaml = tinySweepYaml();
const { definition } = parseSweep(sweepYaml, 'tiny.yaml');
const session = '0f8fad5b-d9cb-469f-a165-70867728950e';

/** Values of the fields the codecs check for meaning; every other field gets one from its type. */
const VALUES: FieldValues = {
  'sweeper.v1.RunKey.study': 'tiny',
  'sweeper.v1.RunAssignment.study': 'tiny',
  'sweeper.v1.RunAssignment.params_json': JSON.stringify({ optimizer: 'sgd', learning_rate: 0.01, momentum: 0.9, width: 16 }),
  // In the key order the codec writes it, so the text itself can be compared.
  'sweeper.v1.RunAssignment.task_json': JSON.stringify(sweepTaskSchema.parse(definition.task)),
  'sweeper.v1.Objective.metric': 'val_accuracy',
  'sweeper.v1.Objective.direction': 'maximize',
  'sweeper.v1.TestEvaluation.classes': 1,
  'sweeper.v1.RegisterRequest.worker_id': 'host-1-abc',
  'sweeper.v1.RegisterRequest.host': 'host',
  'sweeper.v1.RegisterRequest.software_version': '1.2.3',
  'sweeper.v1.RegisterReply.session': session,
  'sweeper.v1.WorkRequest.session': session,
  'sweeper.v1.HeartbeatRequest.session': session,
  'sweeper.v1.ReportRequest.session': session,
  'sweeper.v1.LogChunkRequest.session': session,
  'sweeper.v1.LogsRequest.study': 'tiny',
  'sweeper.v1.SubmitRequest.sweep_yaml': sweepYaml,
  'sweeper.v1.SubmitRequest.file_name': 'tiny.yaml',
  'sweeper.v1.SubmitRequest.study': 'tiny',
  'sweeper.v1.SubmitReply.study': 'tiny',
  'sweeper.v1.CheckpointHeader.sha256': 'c0ffee'.padEnd(64, '0'),
  'sweeper.v1.CheckpointPiece.session': session,
  'sweeper.v1.LoadCheckpointRequest.session': session,
};

function allMessages(): DescMessage[] {
  const all: DescMessage[] = [];
  const visit = (desc: DescMessage): void => {
    all.push(desc);
    desc.nestedMessages.forEach(visit);
  };
  for (const file of FILES) file.messages.forEach(visit);
  return all;
}

/** The messages a message carries, itself included, through every field at any depth. */
function reachable(desc: DescMessage, seen = new Set<string>()): Set<string> {
  if (seen.has(desc.typeName)) return seen;
  seen.add(desc.typeName);
  for (const field of desc.fields) {
    if (field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message')) reachable(field.message, seen);
  }
  return seen;
}

/** What does not survive the wire and the codecs, for every example of `desc`. */
function problems(desc: DescMessage, roundTrip: RoundTrip): string[] {
  const found = wireExamples(desc, VALUES).flatMap((example) => {
    const received = fromBinary(desc, toBinary(desc, example));
    let sentBack: Message;
    try {
      sentBack = roundTrip(received as never);
    } catch (error) {
      return [`${desc.typeName}: the example was refused: ${(error as Error).message}`];
    }
    return wireDifferences(desc, example, sentBack);
  });
  return [...new Set(found)];
}

function descOf(typeName: string): DescMessage {
  return allMessages().find((desc) => desc.typeName === typeName) ?? assert.fail(`${typeName} is not in proto/`);
}

describe('the wire contract has one source: proto/', () => {
  test('every request and reply of the Coordinator service has a round trip here', () => {
    const exchanged = Coordinator.methods.flatMap((method) => [method.input.typeName, method.output.typeName]);
    assert.deepEqual([...new Set(exchanged)].sort(), Object.keys(ROUND_TRIPS).sort());
  });

  test('every message of proto/ is carried by a request or reply (so its fields are checked below)', () => {
    const carried = new Set<string>();
    for (const typeName of Object.keys(ROUND_TRIPS)) reachable(descOf(typeName), carried);
    assert.deepEqual(
      allMessages()
        .map((desc) => desc.typeName)
        .filter((name) => !carried.has(name)),
      [],
    );
  });

  for (const [typeName, roundTrip] of Object.entries(ROUND_TRIPS)) {
    test(`${typeName}: every field of every example survives encode, the wire and decode on both sides`, () => {
      const desc = descOf(typeName);
      assert.ok(wireExamples(desc, VALUES).length > 0);
      assert.deepEqual(problems(desc, roundTrip), []);
    });
  }

  test('the check finds a field one side drops: an outcome codec that forgets the test evaluation', () => {
    const forgetful: RoundTrip = (m: RunOutcomeMessage) => {
      const outcome = outcomeFromMessage(m);
      return outcomeToMessage(
        outcome.status === 'finished'
          ? {
              status: 'finished',
              epochs: outcome.epochs,
              trainSeconds: outcome.trainSeconds,
              ...(outcome.log !== undefined && { log: outcome.log }),
            }
          : outcome,
      );
    };
    assert.deepEqual(
      problems(RunOutcomeSchema, (m: RunOutcomeMessage) => outcomeToMessage(outcomeFromMessage(m))),
      [],
    );
    assert.deepEqual(problems(RunOutcomeSchema, forgetful), ['sweeper.v1.RunOutcome.finished.test: set became unset']);
  });

  test('the examples set every field: a field added to a message is in them without a list to update', () => {
    for (const desc of allMessages()) {
      const [example] = wireExamples(desc, VALUES);
      assert.ok(example, desc.typeName);
      const empty = create(desc);
      for (const field of desc.fields.filter((f) => f.oneof === undefined)) {
        const value = (example as unknown as Record<string, unknown>)[field.localName];
        assert.notDeepEqual(
          value,
          (empty as unknown as Record<string, unknown>)[field.localName],
          `${desc.typeName}.${field.name} has a value other than its default`,
        );
      }
    }
  });
});
