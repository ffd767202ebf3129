import type {
  Metadata,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  UntypedServiceImplementation,
  sendUnaryData,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { UnauthenticatedError } from '../src/errors/unauthenticated-error.js';
import { SweeperError } from '../src/errors/sweeper-error.js';
import { TOKEN_METADATA_KEY, tokenMatches } from '../src/rpc/auth-token.js';
import { toServiceError } from '../src/rpc/grpc-status.js';
import { PROTOCOL_VERSION } from '../src/rpc/protocol-version.js';
import type { TrialStore } from '../src/store/trial-store.js';
import {
  heartbeatFromMessage,
  heartbeatReplyToMessage,
  logChunkFromMessage,
  logChunkReplyToMessage,
  logsReplyToMessage,
  logsRequestFromMessage,
  registerFromMessage,
  registerReplyToMessage,
  reportFromMessage,
  reportReplyToMessage,
  sessionFromMessage,
  submitFromMessage,
  submitReplyToMessage,
} from '../src/wire/coordinator-codec.js';
import type {
  HeartbeatReply,
  HeartbeatRequest,
  LogChunkReply,
  LogChunkRequest,
  LogsReply,
  LogsRequest,
  RegisterReply,
  RegisterRequest,
  ReportReply,
  ReportRequest,
  StatusReply,
  StatusRequest,
  SubmitReply,
  SubmitRequest,
  WorkItem,
  WorkRequest,
} from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import type {
  CheckpointPiece as CheckpointPieceMessage,
  LoadCheckpointRequest as LoadCheckpointRequestMessage,
  SaveCheckpointReply,
} from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { CheckpointAssembly } from '../src/wire/checkpoint-assembly.js';
import {
  checkpointPieceFromMessage,
  checkpointPieces,
  checkpointPieceToMessage,
  loadCheckpointRequestFromMessage,
  saveCheckpointReplyToMessage,
} from '../src/wire/checkpoint-piece-codec.js';
import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import type { RunKey } from '../src/execution/run-assignment.js';
import { callSignal } from './call-signal.js';
import { coordinatorStatus } from './coordinator-status.js';
import type { RemoteExecutor } from './remote-executor.js';
import type { ReportStreams } from './report-streams.js';
import type { StudyHost } from './study-host.js';

export interface CoordinatorServiceOptions {
  readonly executor: RemoteExecutor;
  readonly studyHost: StudyHost;
  readonly store: TrialStore;
  readonly logger: Logger;
  /** Every call must carry it when set. */
  readonly token?: string;
  /** Told the peer (`HOST:PORT`) of every call that passed the token check (ConnectionGuard). */
  readonly onAuthorized?: (peer: string) => void;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  /** The open Reports streams, which the coordinator ends when it closes. */
  readonly reportStreams: ReportStreams;
}

/**
 * The handlers of the Coordinator service. Each checks the token, decodes and checks its request
 * (a bad one is refused whole, before anything is written), and turns domain errors into gRPC
 * statuses in one place; a bad call never stops the coordinator serving everyone else.
 */
export function coordinatorService(options: CoordinatorServiceOptions): UntypedServiceImplementation {
  const { executor, studyHost, store, logger } = options;

  const authorize = (metadata: Metadata): void => {
    if (options.token === undefined) return;
    const [header] = metadata.get(TOKEN_METADATA_KEY);
    if (!tokenMatches(options.token, typeof header === 'string' ? header : undefined)) {
      throw new UnauthenticatedError(
        'this coordinator requires its token: the call carried none or a wrong one',
        "give the command --token-file naming the coordinator's token",
      );
    }
  };

  /** Checks a call's token, and tells the connection guard that its peer passed. */
  const admit = (call: { readonly metadata: Metadata; getPeer(): string }): void => {
    authorize(call.metadata);
    options.onAuthorized?.(call.getPeer());
  };

  function unary<Request, Reply>(
    name: string,
    handle: (request: Request, call: ServerUnaryCall<Request, Reply>) => Reply | Promise<Reply>,
  ) {
    return (call: ServerUnaryCall<Request, Reply>, callback: sendUnaryData<Reply>): void => {
      Promise.resolve()
        .then(() => {
          admit(call);
          return handle(call.request, call);
        })
        .then(
          (reply) => callback(null, reply),
          (error: unknown) => {
            logRefusal(logger, name, call.getPeer(), error);
            callback(toServiceError(error));
          },
        );
    };
  }

  /** A Report call's request or a Reports stream's: the same checks, the same answers. */
  const report = async (message: ReportRequest): Promise<ReportReply> => {
    const request = reportFromMessage(message);
    return reportReplyToMessage(await executor.report(request.session, request.events));
  };

  return {
    Register: unary<RegisterRequest, RegisterReply>('Register', (message) => {
      const registration = executor.register(registerFromMessage(message));
      return registerReplyToMessage({
        ...registration,
        protocolVersion: PROTOCOL_VERSION,
        leaseMs: options.leaseMs,
        heartbeatMs: options.heartbeatMs,
      });
    }),

    Work: (call: ServerWritableStream<WorkRequest, WorkItem>): void => {
      try {
        admit(call);
        executor.attach(sessionFromMessage(call.request), call);
      } catch (error) {
        logRefusal(logger, 'Work', call.getPeer(), error);
        call.emit('error', toServiceError(error));
      }
    },

    Heartbeat: unary<HeartbeatRequest, HeartbeatReply>('Heartbeat', (message) =>
      heartbeatReplyToMessage(executor.heartbeat(heartbeatFromMessage(message))),
    ),

    Report: unary<ReportRequest, ReportReply>('Report', report),

    Reports: (call: ServerDuplexStream<ReportRequest, ReportReply>): void => {
      const refuse = (error: unknown): void => {
        logRefusal(logger, 'Reports', call.getPeer(), error);
        call.emit('error', toServiceError(error));
      };
      try {
        admit(call);
      } catch (error) {
        refuse(error);
        return;
      }
      options.reportStreams.serve(call, report, refuse);
    },

    Submit: unary<SubmitRequest, SubmitReply>('Submit', async (message, call) => {
      const request = submitFromMessage(message);
      // A submit whose client has given up must not create its study later, unseen.
      const { signal, dispose } = callSignal(call);
      const study = await studyHost.submit(request.sweepYaml, request.fileName, request.study, signal).finally(dispose);
      logger.info({ study: study.name, budget: study.definition.budget.trials }, 'study submitted');
      return submitReplyToMessage({ study: study.name, budget: study.definition.budget.trials ?? 0 });
    }),

    Status: unary<StatusRequest, StatusReply>('Status', () => coordinatorStatus(executor, studyHost, store)),

    LogChunk: unary<LogChunkRequest, LogChunkReply>('LogChunk', (message) => {
      executor.logChunk(logChunkFromMessage(message));
      return logChunkReplyToMessage();
    }),

    SaveCheckpoint: (
      call: ServerReadableStream<CheckpointPieceMessage, SaveCheckpointReply>,
      callback: sendUnaryData<SaveCheckpointReply>,
    ): void => {
      // The first piece names the run; the bytes are checked against its header as they come,
      // and kept only once all of them came with the right SHA-256.
      let first: { session: string; run: RunKey; assembly: CheckpointAssembly } | undefined;
      let failed = false;
      const refuse = (error: unknown): void => {
        if (failed) return;
        failed = true;
        logRefusal(logger, 'SaveCheckpoint', call.getPeer(), error);
        callback(toServiceError(error));
      };
      try {
        admit(call);
      } catch (error) {
        refuse(error);
        return;
      }
      call.on('data', (message: CheckpointPieceMessage) => {
        if (failed) return;
        try {
          const piece = checkpointPieceFromMessage(message);
          if (!first) {
            if (piece.session === undefined || !piece.run || !piece.header)
              throw new InvalidArgumentError('checkpoint: its first piece must name the session, the run and the header');
            executor.checkHeld(piece.session, piece.run);
            first = { session: piece.session, run: piece.run, assembly: new CheckpointAssembly(piece.header) };
          }
          first.assembly.add(piece.data);
        } catch (error) {
          refuse(error);
        }
      });
      call.on('end', () => {
        if (failed) return;
        Promise.resolve()
          .then(() => {
            if (!first) throw new InvalidArgumentError('checkpoint: no piece came');
            // finish() checked the bytes against the header's SHA-256: the runner keeps that one.
            const { epoch, sha256 } = first.assembly.header;
            return executor.checkpoint(first.session, first.run, epoch, first.assembly.finish(), sha256);
          })
          .then(() => callback(null, saveCheckpointReplyToMessage()), refuse);
      });
      call.on('error', () => (failed = true));
    },

    LoadCheckpoint: (call: ServerWritableStream<LoadCheckpointRequestMessage, CheckpointPieceMessage>): void => {
      Promise.resolve()
        .then(async () => {
          admit(call);
          const request = loadCheckpointRequestFromMessage(call.request);
          const { header, data } = await executor.resumeData(request.session, request.run);
          for (const piece of checkpointPieces({ run: request.run, header }, data)) {
            if (call.cancelled) return;
            // Waits while the peer's buffer is full: a slow worker does not make the coordinator hold copies.
            if (!call.write(checkpointPieceToMessage(piece))) await new Promise((resolve) => call.once('drain', resolve));
          }
          call.end();
        })
        .catch((error: unknown) => {
          logRefusal(logger, 'LoadCheckpoint', call.getPeer(), error);
          call.emit('error', toServiceError(error));
        });
    },

    Logs: unary<LogsRequest, LogsReply>('Logs', async (message) => {
      const request = logsRequestFromMessage(message);
      const reply = await executor.logs(request);
      if (!reply.running && reply.attempt === 0) {
        // Nothing of it runs here: an unknown study or trial is an error naming it.
        const study = await store.getStudy(request.study);
        await store.getTrial(study.id, request.trialNumber);
      }
      return logsReplyToMessage(reply);
    }),
  };
}

function logRefusal(logger: Logger, rpc: string, peer: string, error: unknown): void {
  if (error instanceof SweeperError) logger.warn({ rpc, peer, code: error.code, reason: error.message }, 'refused a call');
  else logger.error({ rpc, peer, err: error }, 'a call failed');
}
