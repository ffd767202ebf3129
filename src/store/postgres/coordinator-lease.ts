import { setTimeout as sleep } from 'node:timers/promises';
import type { StudyOwner } from '../records.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Who leads a store, as its lease row says. */
export interface LeaseState {
  /** The fencing token: one more each time the lead changes hands. */
  readonly token: number;
  readonly holder: StudyOwner;
  /** The address the holder listens on, as it was given (`--listen`). */
  readonly address: string;
  /** Until the lease expires, by the server's clock; 0 or less: expired. */
  readonly msLeft: number;
  /** The holder's connections are named `sweeper SESSION` (PostgresDatabase.session). */
  readonly session: string;
}

export type LeaseAttempt = { readonly taken: true; readonly token: number } | { readonly taken: false; readonly current: LeaseState };

interface LeaseRow {
  token: number;
  holder: string;
  address: string;
  ms_left: number;
  session: string;
}

const SELECT_LEASE = `SELECT token, holder, address, session,
  (EXTRACT(EPOCH FROM (expires_at - clock_timestamp())) * 1000)::float8 AS ms_left FROM coordinator_lease WHERE id = 1`;

/** How long the old holder's connections get to end once told to (then the takeover waits on its locks). */
const TERMINATE_WAIT_MS = 5_000;

/**
 * The lead of a PostgreSQL store: one row, held by one coordinator until it expires by the
 * server's clock (one clock for every machine). Taking it bumps the fencing token and ends the
 * connections of the holder before (a process paused or cut off may still believe it leads);
 * from then on, every write of the new holder checks the token (PostgresDatabase.fenceWrites),
 * so the old one, whenever it wakes, cannot write again.
 */
export class CoordinatorLease {
  constructor(private readonly db: PostgresDatabase) {}

  async current(): Promise<LeaseState | undefined> {
    const row = await this.db.read((tx) => tx.get<LeaseRow>(SELECT_LEASE));
    return row === undefined ? undefined : toState(row);
  }

  /** Takes the lead for `ttlMs` if nobody holds it (or the holder's lease expired); else who does. */
  async tryTake(holder: StudyOwner, address: string, ttlMs: number): Promise<LeaseAttempt> {
    const before = await this.current();
    if (before !== undefined && before.session !== this.db.session) {
      if (before.msLeft > 0) return { taken: false, current: before };
      await this.endConnections(before.session);
    }
    const attempt = await this.db.write(
      async (tx): Promise<LeaseAttempt> => {
        const row = await tx.get<LeaseRow>(`${SELECT_LEASE} FOR UPDATE`);
        const expires = `clock_timestamp() + (?::float8 * interval '1 millisecond')`;
        const owner = JSON.stringify(holder);
        if (row === undefined) {
          await tx.run(
            `INSERT INTO coordinator_lease (id, token, holder, session, address, expires_at) VALUES (1, 1, ?, ?, ?, ${expires})`,
            [owner, this.db.session, address, ttlMs],
          );
          return { taken: true, token: 1 };
        }
        // Someone else took it between the look above and this lock.
        if (row.session !== this.db.session && row.ms_left > 0) return { taken: false, current: toState(row) };
        const token = row.token + 1;
        await tx.run(`UPDATE coordinator_lease SET token = ?, holder = ?, session = ?, address = ?, expires_at = ${expires} WHERE id = 1`, [
          token,
          owner,
          this.db.session,
          address,
          ttlMs,
        ]);
        return { taken: true, token };
      },
      { fenced: false },
    );
    if (attempt.taken) this.db.fenceWrites(attempt.token);
    return attempt;
  }

  /** Extends the lease by `ttlMs` from now; false if the token is no longer the lease's. */
  async renew(token: number, ttlMs: number): Promise<boolean> {
    const changed = await this.db.write(
      (tx) =>
        tx.run(
          `UPDATE coordinator_lease SET expires_at = clock_timestamp() + (?::float8 * interval '1 millisecond') WHERE id = 1 AND token = ?`,
          [ttlMs, token],
        ),
      { fenced: false },
    );
    return changed === 1;
  }

  /** Lets the lease expire now, so that a standby takes the lead at once (a drain, not a crash). */
  async release(token: number): Promise<void> {
    await this.db.write((tx) => tx.run('UPDATE coordinator_lease SET expires_at = clock_timestamp() WHERE id = 1 AND token = ?', [token]), {
      fenced: false,
    });
  }

  /**
   * Ends the old holder's connections: their transactions roll back and their study locks are
   * freed. A server that refuses (another role's connections) leaves them: taking the lease then
   * waits for their transactions, and the token check fences them all the same.
   */
  private async endConnections(session: string): Promise<void> {
    const name = `sweeper ${session}`;
    try {
      await this.db.read((tx) =>
        tx.all('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()', [name]),
      );
    } catch {
      return;
    }
    const deadline = Date.now() + TERMINATE_WAIT_MS;
    while (Date.now() < deadline) {
      const left = await this.db.read((tx) =>
        tx.get<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ?', [name]),
      );
      if ((left?.n ?? 0) === 0) return;
      await sleep(50);
    }
  }
}

function toState(row: LeaseRow): LeaseState {
  return {
    token: row.token,
    holder: JSON.parse(row.holder) as StudyOwner,
    address: row.address,
    msLeft: row.ms_left,
    session: row.session,
  };
}
