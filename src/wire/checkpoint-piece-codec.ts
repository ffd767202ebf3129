import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { ResumePoint, RunKey } from '../execution/run-assignment.js';
import { checkWire } from './check-wire.js';
import { sessionFromMessage } from './coordinator-codec.js';
import {
  CheckpointPieceSchema,
  LoadCheckpointRequestSchema,
  SaveCheckpointReplySchema,
  type CheckpointPiece as CheckpointPieceMessage,
  type LoadCheckpointRequest as LoadCheckpointRequestMessage,
  type SaveCheckpointReply as SaveCheckpointReplyMessage,
} from './gen/sweeper/v1/coordinator_pb.js';
import { checkpointHeaderFields, checkpointHeaderSchema, checkpointHeaderToMessage, keyFromMessage, keyToMessage } from './run-codec.js';

/** The most bytes of a checkpoint one piece carries: well under gRPC's 4 MiB message limit. */
export const CHECKPOINT_PIECE_BYTES = 1 << 20;

/** A piece of a checkpoint on the wire (SaveCheckpoint, LoadCheckpoint); the first one says what follows. */
export interface CheckpointPiece {
  /** First piece only. SaveCheckpoint only: the worker's session. */
  readonly session?: string;
  /** First piece only. */
  readonly run?: RunKey;
  /** First piece only. */
  readonly header?: ResumePoint;
  readonly data: Uint8Array;
}

export function checkpointPieceToMessage(piece: CheckpointPiece): CheckpointPieceMessage {
  return create(CheckpointPieceSchema, {
    ...(piece.session !== undefined && { session: piece.session }),
    ...(piece.run && { run: keyToMessage(piece.run) }),
    ...(piece.header && { header: checkpointHeaderToMessage(piece.header) }),
    data: piece.data,
  });
}

export function checkpointPieceFromMessage(message: CheckpointPieceMessage): CheckpointPiece {
  if (message.data.length > CHECKPOINT_PIECE_BYTES)
    throw new InvalidArgumentError(
      `checkpoint piece: data must have at most ${CHECKPOINT_PIECE_BYTES} bytes, but has ${message.data.length}`,
    );
  return {
    ...(message.session !== '' && { session: sessionFromMessage(message) }),
    ...(message.run && { run: keyFromMessage(message.run, 'checkpoint piece: run') }),
    ...(message.header && {
      header: checkWire(checkpointHeaderSchema, checkpointHeaderFields(message.header), 'checkpoint piece: header'),
    }),
    data: message.data,
  };
}

/** The pieces of a checkpoint's bytes, the first carrying `first` (run, header, session). */
export function* checkpointPieces(first: Omit<CheckpointPiece, 'data'>, data: Uint8Array): Generator<CheckpointPiece> {
  for (let at = 0; at === 0 || at < data.length; at += CHECKPOINT_PIECE_BYTES) {
    const piece = data.subarray(at, at + CHECKPOINT_PIECE_BYTES);
    yield at === 0 ? { ...first, data: piece } : { data: piece };
  }
}

export interface LoadCheckpointRequest {
  readonly session: string;
  readonly run: RunKey;
}

export function loadCheckpointRequestToMessage(request: LoadCheckpointRequest): LoadCheckpointRequestMessage {
  return create(LoadCheckpointRequestSchema, { session: request.session, run: keyToMessage(request.run) });
}

export function loadCheckpointRequestFromMessage(message: LoadCheckpointRequestMessage): LoadCheckpointRequest {
  return { session: sessionFromMessage(message), run: keyFromMessage(message.run, 'load checkpoint: run') };
}

export function saveCheckpointReplyToMessage(): SaveCheckpointReplyMessage {
  return create(SaveCheckpointReplySchema);
}
