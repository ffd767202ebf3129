import { create } from '@bufbuild/protobuf';
import { PROTOCOL_VERSION } from '../src/rpc/protocol-version.js';
import type { TrialStore } from '../src/store/trial-store.js';
import { StatusReplySchema, type StatusReply } from '../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { heldToMessage } from '../src/wire/coordinator-codec.js';
import { keyToMessage } from '../src/wire/run-codec.js';
import type { RemoteExecutor } from './remote-executor.js';
import type { StudyHost } from './study-host.js';

/**
 * The coordinator's live state: connected workers, running trials (from memory, with the epoch
 * each last reported) and hosted studies (from the store). One function, so that the Status RPC
 * and the dashboard's workers page cannot disagree.
 */
export async function coordinatorStatus(executor: RemoteExecutor, studyHost: StudyHost, store: TrialStore): Promise<StatusReply> {
  const { sessions, runs, silentMs } = executor.snapshot();
  const studies = await store.listStudies();
  return create(StatusReplySchema, {
    protocolVersion: PROTOCOL_VERSION,
    workers: sessions.map((session) => ({
      workerId: session.identity.workerId,
      host: session.identity.host,
      pid: session.identity.pid,
      threads: session.identity.threads,
      busy: session.runs.size,
      connected: session.connected,
      draining: session.draining,
      silentMs: Math.min(2 ** 32 - 1, Math.round(silentMs(session))),
      softwareVersion: session.identity.softwareVersion,
      gpus: [...session.identity.gpus],
      held: session.held.map(heldToMessage),
    })),
    runs: runs.map((run) => ({
      run: keyToMessage(run.key),
      workerId: run.session?.identity.workerId ?? '',
      epoch: run.lastEpoch,
      runningMs: BigInt(Math.round(performance.now() - run.startedAt)),
    })),
    studies: studies
      .filter((summary) => summary.hosted || studyHost.isActive(summary.name))
      .map((summary) => ({
        name: summary.name,
        budget: summary.budget ?? 0,
        queued: summary.counts.QUEUED,
        running: summary.counts.RUNNING,
        complete: summary.counts.COMPLETE,
        pruned: summary.counts.PRUNED,
        failed: summary.counts.FAILED,
        bestValue: summary.bestValue,
        metric: summary.metric,
        direction: summary.direction,
        active: studyHost.isActive(summary.name),
      })),
  });
}
