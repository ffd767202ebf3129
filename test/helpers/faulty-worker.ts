/**
 * A real worker process (the same WorkerAgent, TaskRouter and gRPC client as `sweeper worker`)
 * with one fault built in, for the tests of what the coordinator does when a run can never end
 * well. Started as `node faulty-worker.js ADDRESS FAULT TRIAL`:
 * - `poison`: the end-of-run report of trial TRIAL carries a test accuracy of 1.5, which the
 *   coordinator can never accept (every attempt of it);
 * - `hang`: trial TRIAL never reports an epoch, while heartbeats go on (a training loop that hangs).
 */
import { ChannelCredentials } from '@grpc/grpc-js';
import type { RunAssignment, RunEnd } from '../../src/execution/run-assignment.js';
import type { RunListener, TrialExecutor } from '../../src/execution/trial-executor.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { CoordinatorClient } from '../../src/rpc/coordinator-client.js';
import type { EventResult, ReportRequest, RunEvent } from '../../src/wire/coordinator-codec.js';
import { TaskRouter } from '../../worker/task-router.js';
import { WorkerAgent } from '../../worker/worker-agent.js';

const [address, fault, trialText] = process.argv.slice(2);
if (!address || (fault !== 'poison' && fault !== 'hang') || trialText === undefined)
  throw new Error('usage: faulty-worker ADDRESS poison|hang TRIAL');
const faultyTrial = Number(trialText);

class PoisoningClient extends CoordinatorClient {
  override report(request: ReportRequest): Promise<EventResult[]> {
    return super.report({ ...request, events: request.events.map(poison) });
  }
}

function poison(event: RunEvent): RunEvent {
  if (event.type !== 'end' || event.run.trialNumber !== faultyTrial || event.outcome.status !== 'finished' || !event.outcome.test)
    return event;
  return { ...event, outcome: { ...event.outcome, test: { ...event.outcome.test, accuracy: 1.5 } } };
}

class HangingExecutor implements TrialExecutor {
  constructor(private readonly inner: TaskRouter) {}
  freeSlots(gpus: number): number {
    return this.inner.freeSlots(gpus);
  }
  onFreeSlots(listener: () => void): () => void {
    return this.inner.onFreeSlots(listener);
  }
  placements(gpus: number, count: number): string[] {
    return this.inner.placements(gpus, count);
  }
  run(assignment: RunAssignment, listener: RunListener, signal: AbortSignal): Promise<RunEnd> {
    // Deaf to stop requests too, as a wedged training loop is.
    if (assignment.trialNumber === faultyTrial) return new Promise<RunEnd>(() => undefined);
    return this.inner.run(assignment, listener, signal);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const logger = createLogger({ level: 'info' });
const options = { address, credentials: ChannelCredentials.createInsecure() };
const client = fault === 'poison' ? new PoisoningClient(options) : new CoordinatorClient(options);
const router = new TaskRouter({ threads: 1, syntheticSlots: 1, logger });
const executor = fault === 'hang' ? new HangingExecutor(router) : router;
const agent = new WorkerAgent({ client, executor, threads: 1, logger, softwareVersion: 'faulty' });
process.on('SIGTERM', () => void agent.close().then(() => process.exit(0)));
process.stdout.write(`faulty worker (${fault} trial ${faultyTrial}) ${agent.workerId}\n`);
await agent.run();
