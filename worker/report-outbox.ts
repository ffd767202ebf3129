import type { ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { runId, type EpochDecision, type RunKey } from '../src/execution/run-assignment.js';
import type { EpochReport, RunOutcome } from '../src/core/run-report.js';
import { callFailure } from '../src/rpc/call-failure.js';
import type { EventResult, ReportRequest, RunEvent } from '../src/wire/coordinator-codec.js';

/**
 * What became of one event: accepted with a decision, or refused. A refused event can never be
 * accepted (the run is no longer this worker's, or the coordinator cannot take the event as it
 * is and has ended the attempt): the worker stops the run and sends nothing more of it.
 */
export type Delivery = { readonly decision: EpochDecision } | { readonly refused: string };

interface Pending {
  readonly run: string;
  readonly event: RunEvent;
  readonly settle: (delivery: Delivery) => void;
}

/** Events in one Report call at most; under load, batches grow up to this on their own. */
const MAX_BATCH = 1000;

/** Pause before sending again after the coordinator did not answer. */
const RETRY_MS = 500;

/** Sends of one batch that may fail with an error that could pass, before its events are given up. */
const MAX_RETRIES = 5;

/**
 * The worker's reports to the coordinator, delivered in order and at least once. One Report call
 * is in flight at a time and carries everything queued meanwhile, so batches grow with the load.
 * While the coordinator is unreachable, events wait here (training goes on), and they are sent
 * when a session is open again: nothing a run reported is lost to a coordinator restart. What
 * can never be delivered (refused, malformed, too large even alone) is answered as refused
 * instead of being sent again and again.
 */
export class ReportOutbox {
  private readonly queue: Pending[] = [];
  private session: string | undefined;
  private sending = false;
  private retryAt: NodeJS.Timeout | undefined;
  /** Lowered while the coordinator finds batches too large; one event alone is the floor. */
  private batchLimit = MAX_BATCH;
  private retries = 0;

  constructor(
    private readonly send: (request: ReportRequest) => Promise<EventResult[]>,
    /** Called when the coordinator no longer knows the session: the worker must register again. */
    private readonly onSessionLost: (error: ServiceError) => void,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  epoch(key: RunKey, report: EpochReport): Promise<Delivery> {
    return this.push({ run: key, type: 'epoch', report });
  }

  end(key: RunKey, outcome: RunOutcome): Promise<Delivery> {
    return this.push({ run: key, type: 'end', outcome });
  }

  /** Sends through this session from now on; undefined holds everything until the next one. */
  useSession(session: string | undefined): void {
    this.session = session;
    clearTimeout(this.retryAt);
    this.retryAt = undefined;
    this.flush();
  }

  /** Forgets a run's events (it was taken away from this worker): they are answered as refused. */
  drop(key: RunKey, reason: string): void {
    const run = runId(key);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const pending = this.queue[i] as Pending;
      if (pending.run !== run) continue;
      this.queue.splice(i, 1);
      pending.settle({ refused: reason });
    }
  }

  private push(event: RunEvent): Promise<Delivery> {
    return new Promise<Delivery>((settle) => {
      this.queue.push({ run: runId(event.run), event, settle });
      this.flush();
    });
  }

  private flush(): void {
    if (this.sending || this.retryAt !== undefined || this.session === undefined || this.queue.length === 0) return;
    const session = this.session;
    const batch = this.queue.splice(0, this.batchLimit);
    this.sending = true;
    this.send({ session, events: batch.map((pending) => pending.event) })
      .then((results) => {
        this.retries = 0;
        this.batchLimit = Math.min(MAX_BATCH, this.batchLimit * 2);
        batch.forEach((pending, index) => {
          const result = results[index];
          pending.settle(
            result && 'refused' in result ? { refused: result.refused.message } : { decision: result?.decision ?? 'continue' },
          );
        });
      })
      .catch((error: ServiceError) => this.failed(session, batch, error))
      .finally(() => {
        this.sending = false;
        if (this.retryAt === undefined) this.flush();
      });
  }

  private failed(session: string, batch: Pending[], error: ServiceError): void {
    const failure = callFailure(error, 'report');
    if (failure === 'split' && batch.length > 1) {
      // Too large for the coordinator: send it again in smaller batches.
      this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
      this.queue.unshift(...batch);
      return;
    }
    if (failure === 'give-up' || failure === 'split' || (failure === 'retry' && ++this.retries > MAX_RETRIES)) {
      // The coordinator will never take these as they are. The runs stop; the coordinator ends
      // their attempts when the next heartbeat no longer lists them.
      this.logger.error(
        { code: error.code, reason: error.details, events: batch.length },
        'the coordinator cannot accept these reports: giving them up',
      );
      this.retries = 0;
      for (const pending of batch) pending.settle({ refused: `the coordinator cannot accept the report: ${error.details}` });
      return;
    }
    this.queue.unshift(...batch);
    if (failure === 'register') {
      // The session is gone (its lease expired, or the coordinator restarted): hold everything
      // until the worker has registered again. A late answer about an older session must not
      // end the one registered since.
      if (this.session !== session) return;
      this.session = undefined;
      this.onSessionLost(error);
      return;
    }
    this.logger.warn({ code: error.code, reason: error.details, waiting: this.queue.length }, 'reports wait for the coordinator');
    this.retryAt = setTimeout(() => {
      this.retryAt = undefined;
      this.flush();
    }, RETRY_MS);
  }
}
