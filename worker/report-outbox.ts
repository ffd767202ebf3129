import { status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { runSlotId, type EpochDecision, type EpochReport, type RunKey, type RunOutcome } from '../src/execution/run-assignment.js';
import { keyToMessage } from '../src/wire/coordinator-codec.js';
import type { ReportReplyMessage, ReportRequestMessage, RunEventMessage } from '../src/wire/coordinator-messages.js';
import { epochReportToMessage, outcomeToMessage } from '../src/wire/run-codec.js';

/** What became of one event: accepted with a decision, or refused (the run is no longer this worker's). */
export type Delivery = { readonly decision: EpochDecision } | { readonly refused: string };

interface Pending {
  readonly slot: string;
  readonly event: RunEventMessage;
  readonly settle: (delivery: Delivery) => void;
}

/** Events in one Report call at most; under load, batches grow up to this on their own. */
const MAX_BATCH = 1000;

/** Pause before sending again after the coordinator did not answer. */
const RETRY_MS = 500;

/**
 * The worker's reports to the coordinator, delivered in order and at least once. One Report call
 * is in flight at a time and carries everything queued meanwhile, so batches grow with the load.
 * While the coordinator is unreachable, events wait here (training goes on), and they are sent
 * when a session is open again: nothing a run reported is lost to a coordinator restart.
 */
export class ReportOutbox {
  private readonly queue: Pending[] = [];
  private session: string | undefined;
  private sending = false;
  private retryAt: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (request: ReportRequestMessage) => Promise<ReportReplyMessage>,
    /** Called when the coordinator no longer knows the session: the worker must register again. */
    private readonly onSessionLost: (error: ServiceError) => void,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  epoch(key: RunKey, report: EpochReport): Promise<Delivery> {
    return this.push(key, { run: keyToMessage(key), epoch: epochReportToMessage(report) });
  }

  end(key: RunKey, outcome: RunOutcome): Promise<Delivery> {
    return this.push(key, { run: keyToMessage(key), end: outcomeToMessage(outcome) });
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
    const slot = runSlotId(key);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const pending = this.queue[i] as Pending;
      if (pending.slot !== slot) continue;
      this.queue.splice(i, 1);
      pending.settle({ refused: reason });
    }
  }

  private push(key: RunKey, event: RunEventMessage): Promise<Delivery> {
    return new Promise<Delivery>((settle) => {
      this.queue.push({ slot: runSlotId(key), event, settle });
      this.flush();
    });
  }

  private flush(): void {
    if (this.sending || this.retryAt !== undefined || this.session === undefined || this.queue.length === 0) return;
    const session = this.session;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.sending = true;
    this.send({ session, events: batch.map((pending) => pending.event) })
      .then((reply) => {
        batch.forEach((pending, index) => {
          const result = reply.results[index];
          if (result && 'refused' in result && result.refused) pending.settle({ refused: result.refused.message });
          else pending.settle({ decision: result && 'decision' in result && result.decision === 'EPOCH_DECISION_STOP' ? 'stop' : 'continue' });
        });
      })
      .catch((error: ServiceError) => {
        if (error.code === status.INVALID_ARGUMENT || error.code === status.RESOURCE_EXHAUSTED) {
          // The coordinator will never take these: a bug on one side. Keep going with the rest.
          this.logger.error({ err: error, events: batch.length }, 'the coordinator refused a report as malformed');
          for (const pending of batch) pending.settle({ refused: error.details });
          return;
        }
        this.queue.unshift(...batch);
        if (error.code === status.NOT_FOUND || error.code === status.UNAUTHENTICATED) {
          // The session is gone (its lease expired, or the coordinator restarted): hold everything
          // until the worker has registered again.
          // A late answer about an older session must not end the one registered since.
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
      })
      .finally(() => {
        this.sending = false;
        if (this.retryAt === undefined) this.flush();
      });
  }
}
