import type { StatusReply } from '../wire/gen/sweeper/v1/coordinator_pb.js';
import type { TrialState } from '../core/trial-state.js';
import { studyState } from './study-state.js';

/** The fields of a run the wire may leave unset are optional: JSON then leaves them out. */
export interface StatusJson {
  protocol_version: number;
  workers: WorkerJson[];
  runs: RunJson[];
  studies: HostedStudyJson[];
}

export interface WorkerJson {
  id: string;
  host: string;
  pid: number;
  threads: number;
  busy: number;
  connected: boolean;
  draining: boolean;
  silent_ms: number;
  version: string;
  /** Its devices (GPU ids), and which run holds which, as of its last heartbeat. */
  gpus: string[];
  held: HeldJson[];
}

export interface HeldJson {
  study?: string;
  trial?: number;
  attempt?: number;
  repeat?: number;
  gpus: string[];
}

export interface RunJson {
  study?: string;
  trial?: number;
  attempt?: number;
  repeat?: number;
  worker: string | null;
  epoch: number;
  running_ms: number;
}

export interface HostedStudyJson {
  name: string;
  state: string;
  active: boolean;
  budget: number | null;
  counts: Record<TrialState, number>;
  metric: string;
  direction: string;
  best_value: number | null;
}

/**
 * A coordinator's status as JSON: what `sweeper status --json` prints and the dashboard's
 * /api/workers serves. One function, so the two cannot drift apart.
 */
export function statusJson(status: StatusReply): StatusJson {
  return {
    protocol_version: status.protocolVersion,
    workers: status.workers.map((w) => ({
      id: w.workerId,
      host: w.host,
      pid: w.pid,
      threads: w.threads,
      busy: w.busy,
      connected: w.connected,
      draining: w.draining,
      silent_ms: w.silentMs,
      version: w.softwareVersion,
      gpus: [...w.gpus],
      held: w.held.map((h) => ({
        study: h.run?.study,
        trial: h.run?.trialNumber,
        attempt: h.run?.attempt,
        repeat: h.run?.repeat,
        gpus: [...h.gpus],
      })),
    })),
    runs: status.runs.map((r) => ({
      study: r.run?.study,
      trial: r.run?.trialNumber,
      attempt: r.run?.attempt,
      repeat: r.run?.repeat,
      worker: r.workerId || null,
      epoch: r.epoch,
      running_ms: Number(r.runningMs),
    })),
    studies: status.studies.map((s) => ({
      name: s.name,
      state: studyState(s),
      active: s.active,
      budget: s.budget || null,
      counts: { QUEUED: s.queued, RUNNING: s.running, COMPLETE: s.complete, PRUNED: s.pruned, FAILED: s.failed },
      metric: s.metric,
      direction: s.direction,
      best_value: s.bestValue ?? null,
    })),
  };
}
