import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { StudyOwner } from '../src/store/records.js';
import type { CoordinatorLease, LeaseState } from '../src/store/postgres/coordinator-lease.js';

export interface LeadershipOptions {
  readonly lease: CoordinatorLease;
  readonly owner: StudyOwner;
  /** Where this coordinator listens, as given: shown to the others while they wait. */
  readonly address: string;
  /** How long the lead outlives this process's last renewal (a standby waits at most this, plus a poll). */
  readonly ttlMs: number;
  readonly logger: Logger;
  /** Told when another coordinator is found leading, and each time that changes. */
  readonly onStandby?: (leader: LeaseState) => void;
}

/** A standby looks at the lease this often, at most once a second. */
function pollMs(ttlMs: number): number {
  return Math.min(1_000, Math.max(50, Math.floor(ttlMs / 4)));
}

/**
 * This coordinator's lead of a PostgreSQL store: taken when the lease is free (waiting as a
 * standby until then), renewed every third of its length, and lost when another coordinator took
 * it or when a renewal has not succeeded before the lease ran out (the server out of reach): a
 * leader that cannot show it still leads stops, as the others may already have taken over.
 */
export class Leadership {
  /** Resolves, once, with why the lead was lost; never while it is held. */
  readonly lost: Promise<string>;
  private loseWith!: (reason: string) => void;
  private readonly timer: NodeJS.Timeout;
  private released = false;

  private constructor(
    private readonly options: LeadershipOptions,
    readonly token: number,
  ) {
    this.lost = new Promise((resolve) => (this.loseWith = resolve));
    let renewedAt = Date.now();
    let renewing = false;
    this.timer = setInterval(
      () => {
        if (renewing || this.released) return;
        renewing = true;
        const started = Date.now();
        // A renewal that takes the lease's length means the database is out of reach. One that
        // comes late (this process was paused) still tells: the token is ours, or it is not.
        const outOfTime = sleep(options.ttlMs, 'timeout' as const, { ref: false });
        Promise.race([options.lease.renew(token, options.ttlMs), outOfTime])
          .then(
            (renewed) => {
              if (renewed === true) renewedAt = started;
              else if (renewed === false) this.lose(`another coordinator took the lead (the lease's token is no longer ${token})`);
              else this.lose(`the lease could not be renewed for ${(Date.now() - renewedAt) / 1000} s (the database out of reach)`);
            },
            async (error: unknown) => {
              options.logger.warn({ err: error }, 'renewing the lead failed; trying again');
              if (Date.now() - renewedAt >= options.ttlMs) this.lose(await this.whyRenewalFailed(error));
            },
          )
          .finally(() => (renewing = false));
      },
      Math.max(20, Math.floor(options.ttlMs / 3)),
    );
  }

  /**
   * Waits, as a standby, until this coordinator takes the lead; undefined if `signal` fired first.
   * The holder before it, if any, can no longer write from then on.
   */
  static async take(options: LeadershipOptions, signal: AbortSignal): Promise<Leadership | undefined> {
    let shown: number | undefined;
    while (!signal.aborted) {
      try {
        const attempt = await options.lease.tryTake(options.owner, options.address, options.ttlMs);
        if (attempt.taken) {
          options.logger.info({ token: attempt.token }, 'leading the store');
          return new Leadership(options, attempt.token);
        }
        if (shown !== attempt.current.token) {
          shown = attempt.current.token;
          options.logger.info(
            { leader: attempt.current.holder, address: attempt.current.address, token: shown },
            'standby: another coordinator leads',
          );
          options.onStandby?.(attempt.current);
        }
      } catch (error) {
        options.logger.warn({ err: error }, 'cannot read the lease; trying again');
      }
      await sleep(pollMs(options.ttlMs), undefined, { signal }).catch(() => undefined);
    }
    return undefined;
  }

  /** Stops renewing and lets the lease expire now: a standby takes the lead without waiting it out. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.options.lease.release(this.token).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'could not give the lead back: a standby takes it when the lease expires');
    });
  }

  /**
   * Why the lead is lost after a renewal failed past the lease: a look at the lease says whether
   * another coordinator took it (a process paused past its lease often wakes to connections the
   * new leader ended, so the renewal fails rather than finding the token changed).
   */
  private async whyRenewalFailed(error: unknown): Promise<string> {
    const outOfTime = sleep(this.options.ttlMs, undefined, { ref: false });
    const lease = await Promise.race([this.options.lease.current().catch(() => undefined), outOfTime]);
    if (lease !== undefined && lease.token !== this.token)
      return `another coordinator took the lead (the lease's token is ${lease.token}, no longer ${this.token})`;
    return `the lease could not be renewed: ${(error as Error).message}`;
  }

  private lose(reason: string): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    this.options.logger.error({ token: this.token, reason }, 'lost the lead');
    this.loseWith(reason);
  }
}
