import Table from 'cli-table3';
import { fromServiceError } from '../../src/rpc/grpc-status.js';
import type { StatusReplyMessage } from '../../src/wire/coordinator-messages.js';
import { EXIT } from '../exit-codes.js';
import { studyState, workersSummary } from '../output/status-wording.js';
import { connect } from './connect-to-coordinator.js';
import type { ConnectionFlags } from './connection-options.js';

export async function statusCommand(flags: ConnectionFlags & { json?: boolean }): Promise<void> {
  const { client, address } = connect(flags, 5_000);
  try {
    const status = await client.status();
    process.stdout.write(flags.json ? `${JSON.stringify(statusJson(status), null, 2)}\n` : formatStatus(status, address));
    process.exitCode = EXIT.OK;
  } catch (error) {
    throw fromServiceError(error, address);
  } finally {
    client.close();
  }
}

function statusJson(status: StatusReplyMessage): unknown {
  return {
    protocol_version: status.protocol_version,
    workers: status.workers.map((w) => ({ id: w.worker_id, host: w.host, pid: w.pid, threads: w.threads, busy: w.busy, connected: w.connected, draining: w.draining, silent_ms: w.silent_ms, version: w.software_version })),
    runs: status.runs.map((r) => ({ study: r.run.study, trial: r.run.trial_number, attempt: r.run.attempt, repeat: r.run.repeat, worker: r.worker_id || null, epoch: r.epoch, running_ms: r.running_ms })),
    studies: status.studies.map((s) => ({
      name: s.name,
      active: s.active,
      budget: s.budget || null,
      counts: { QUEUED: s.queued, RUNNING: s.running, COMPLETE: s.complete, PRUNED: s.pruned, FAILED: s.failed },
      metric: s.metric,
      direction: s.direction,
      best_value: s.best_value ?? null,
    })),
  };
}

function formatStatus(status: StatusReplyMessage, address: string): string {
  const style = { head: [], border: [] };
  const lines = [`coordinator ${address} (protocol ${status.protocol_version}): ${workersSummary(status.workers)}`];
  if (status.workers.length > 0) {
    const table = new Table({ head: ['worker', 'host:pid', 'threads', 'busy', 'state', 'last heard'], style });
    for (const w of status.workers) {
      table.push([w.worker_id, `${w.host}:${w.pid}`, String(w.threads), String(w.busy), w.draining ? 'draining' : w.connected ? 'connected' : 'reconnecting', `${(w.silent_ms / 1000).toFixed(1)}s ago`]);
    }
    lines.push(table.toString());
  }
  if (status.runs.length > 0) {
    const table = new Table({ head: ['study', 'trial', 'attempt', 'repeat', 'worker', 'epoch', 'running'], style });
    for (const r of status.runs) {
      table.push([r.run.study, String(r.run.trial_number), String(r.run.attempt), String(r.run.repeat), r.worker_id || '(waiting)', String(r.epoch), `${(r.running_ms / 1000).toFixed(1)}s`]);
    }
    lines.push(table.toString());
  }
  if (status.studies.length > 0) {
    const table = new Table({ head: ['study', 'state', 'finished', 'running', 'queued', 'complete', 'pruned', 'failed', 'best'], style });
    for (const s of status.studies) {
      const finished = s.complete + s.pruned + s.failed;
      table.push([s.name, studyState(s), s.budget > 0 ? `${finished}/${s.budget}` : String(finished), String(s.running), String(s.queued), String(s.complete), String(s.pruned), String(s.failed), s.best_value === undefined ? '-' : s.best_value.toFixed(4)]);
    }
    lines.push(table.toString());
  }
  return `${lines.join('\n')}\n`;
}
