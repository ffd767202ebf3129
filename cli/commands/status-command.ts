import Table from 'cli-table3';
import { fromServiceError } from '../../src/rpc/grpc-status.js';
import type { RunKey, StatusReply, WorkerStatus } from '../../src/wire/gen/sweeper/v1/coordinator_pb.js';
import { EXIT } from '../exit-codes.js';
import { statusJson } from '../../src/views/status-json.js';
import { studyState } from '../../src/views/study-state.js';
import { workersSummary } from '../output/status-wording.js';
import { connect } from './connect-to-coordinator.js';
import type { ConnectionFlags } from './connection-options.js';
import { printJson, printOut } from '../output/terminal.js';

export async function statusCommand(flags: ConnectionFlags & { json?: boolean }): Promise<void> {
  const { client, address } = connect(flags, 5_000);
  try {
    const status = await client.status();
    if (flags.json) printJson(`${JSON.stringify(statusJson(status), null, 2)}\n`);
    else printOut(formatStatus(status, client.address));
    process.exitCode = EXIT.OK;
  } catch (error) {
    throw fromServiceError(error, address, 'status');
  } finally {
    client.close();
  }
}

function formatStatus(status: StatusReply, address: string): string {
  const style = { head: [], border: [] };
  const lines = [`coordinator ${address} (protocol ${status.protocolVersion}): ${workersSummary(status.workers)}`];
  // GPU columns only when some worker has GPUs: most clusters have none.
  const gpus = status.workers.some((w) => w.gpus.length > 0);
  if (status.workers.length > 0) {
    const table = new Table({ head: ['worker', 'host:pid', 'threads', 'busy', ...(gpus ? ['gpus'] : []), 'state', 'last heard'], style });
    for (const w of status.workers) {
      table.push([
        w.workerId,
        `${w.host}:${w.pid}`,
        String(w.threads),
        String(w.busy),
        ...(gpus ? [gpuUse(w)] : []),
        w.draining ? 'draining' : w.connected ? 'connected' : 'reconnecting',
        `${(w.silentMs / 1000).toFixed(1)}s ago`,
      ]);
    }
    lines.push(table.toString());
  }
  if (status.runs.length > 0) {
    const table = new Table({
      head: ['study', 'trial', 'attempt', 'repeat', 'worker', ...(gpus ? ['gpus'] : []), 'epoch', 'running'],
      style,
    });
    for (const r of status.runs) {
      const held = status.workers.find((w) => w.workerId === r.workerId)?.held.find((h) => h.run && r.run && sameRun(h.run, r.run))?.gpus;
      table.push([
        r.run?.study ?? '',
        String(r.run?.trialNumber),
        String(r.run?.attempt),
        String(r.run?.repeat),
        r.workerId || '(waiting)',
        ...(gpus ? [held && held.length > 0 ? held.join(',') : '-'] : []),
        String(r.epoch),
        `${(Number(r.runningMs) / 1000).toFixed(1)}s`,
      ]);
    }
    lines.push(table.toString());
  }
  if (status.studies.length > 0) {
    const table = new Table({ head: ['study', 'state', 'finished', 'running', 'queued', 'complete', 'pruned', 'failed', 'best'], style });
    for (const s of status.studies) {
      const finished = s.complete + s.pruned + s.failed;
      table.push([
        s.name,
        studyState(s),
        s.budget > 0 ? `${finished}/${s.budget}` : String(finished),
        String(s.running),
        String(s.queued),
        String(s.complete),
        String(s.pruned),
        String(s.failed),
        s.bestValue === undefined ? '-' : s.bestValue.toFixed(4),
      ]);
    }
    lines.push(table.toString());
  }
  return `${lines.join('\n')}\n`;
}

/** A worker's devices, each with the run (trial.repeat) holding it: `0 t3.0, 1 free`. */
function gpuUse(worker: WorkerStatus): string {
  if (worker.gpus.length === 0) return '-';
  const holder = new Map<string, string>();
  for (const h of worker.held) for (const id of h.gpus) holder.set(id, h.run ? `t${h.run.trialNumber}.${h.run.repeat}` : '?');
  return worker.gpus.map((id) => `${id} ${holder.get(id) ?? 'free'}`).join(', ');
}

function sameRun(a: RunKey, b: RunKey): boolean {
  return a.study === b.study && a.trialNumber === b.trialNumber && a.attempt === b.attempt && a.repeat === b.repeat;
}
