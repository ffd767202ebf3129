import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { StoreError } from '../../errors/store-error.js';
import { SweeperError } from '../../errors/sweeper-error.js';
import type { Migration } from '../sqlite/migrations.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { isConnectionLost, isRetryable, translatePostgresError } from './postgres-failure.js';
import { redactedUrl } from './postgres-location.js';
import type { Transaction } from '../sql/sql-transaction.js';

export interface PostgresOptions {
  /** How long a transaction waits for a server out of reach (restarting, network cut) before it fails. */
  readonly waitMs?: number;
  /** Told each time a transaction waits for the server, with why. */
  readonly onWait?: (reason: string) => void;
}

/** Advisory lock keys are (class, id) pairs; this class is sweeper's ('SW'), the id a study's or 0 for migrations. */
export const LOCK_CLASS = 0x5357;

/**
 * bigint (int8) values as numbers: ids, counts and seeds stay far below 2^53, and every row
 * reader expects numbers, as SQLite gives them.
 */
const INT8 = 20;
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8 ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A PostgreSQL database holding a trial store: a pool of connections, transactions that are
 * run again when the server was out of reach before their COMMIT (nothing of them was
 * written) or when they lost a deadlock, and the schema brought up to date on opening.
 * Credentials come from the URL, PGPASSWORD or a password file (~/.pgpass, PGPASSFILE), as
 * libpq reads them; `location` (the URL without its password) is all that is ever shown.
 */
export class PostgresDatabase {
  readonly location: string;
  /**
   * This process's connections, as the server lists them (application_name `sweeper SESSION`): a
   * coordinator that takes the lead from this one ends them (coordinator-lease.ts).
   */
  readonly session = randomUUID();
  private readonly pool: pg.Pool;
  /** The SQL with `$n` placeholders, by its `?` text. */
  private readonly numbered = new Map<string, string>();
  /** The lease's fencing token this process writes under, once it leads; absent: writes are not fenced. */
  private fence: number | undefined;

  private constructor(
    readonly url: string,
    private readonly options: PostgresOptions,
  ) {
    this.location = redactedUrl(url);
    this.pool = new pg.Pool({
      connectionString: url,
      types: TYPES,
      max: 8,
      idleTimeoutMillis: 30_000,
      application_name: `sweeper ${this.session}`,
    });
    // A connection that dies while idle is dropped by the pool; one that dies in use fails the
    // query it runs, which the transaction handles. Either also emits 'error', which must not
    // end the process: a network cut is a wait, not a crash.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Connects and, for writing, brings the schema up to date; refused at once if the server cannot be reached. */
  static async open(url: string, use: 'read' | 'write', options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const database = new PostgresDatabase(url, options);
    try {
      const client = await database.pool.connect().catch((error: unknown) => {
        throw new StoreError(
          'CANNOT_OPEN',
          database.location,
          `cannot connect to the trial store ${database.location}: ${translatePostgresError(error, database.location).message}`,
        );
      });
      client.release();
      if (use === 'write') await database.migrate(POSTGRES_MIGRATIONS);
      else await database.requireSchema(POSTGRES_MIGRATIONS);
      return database;
    } catch (error) {
      await database.close();
      throw error;
    }
  }

  /** A new connection outside the pool, for what lives as long as a session (advisory locks). */
  client(): pg.Client {
    return new pg.Client({ connectionString: this.url, types: TYPES, application_name: `sweeper ${this.session}` });
  }

  /**
   * `fenced: false` for the lease's own writes, which name the token they change. `first`: reads
   * sent with the BEGIN, in its round trip (a simple query: no parameters, so only integers of
   * ours written into the text, as `inlineInteger` writes them); `fn` gets their rows in order.
   * What most writes do first (lock the row they check) then costs no round trip of its own.
   */
  write<T>(
    fn: (tx: Transaction, first: readonly unknown[][]) => Promise<T>,
    { fenced = true, first = [] }: { fenced?: boolean; first?: readonly string[] } = {},
  ): Promise<T> {
    return this.transaction('BEGIN', fn, fenced ? this.fence : undefined, first);
  }

  /**
   * One statement that commits by itself: one round trip instead of three or more (BEGIN, the
   * statement, COMMIT). Only for statements that leave the same rows however many times they run
   * (an upsert of given values): one whose connection was lost, even while it committed, runs
   * again. A leader's statement must fence itself: `fenceCte()` is the CTE to put first in its WITH.
   * The rows it returns (RETURNING): which rows it wrote.
   */
  idempotentWrite<R>(sql: string, args: readonly unknown[]): Promise<R[]> {
    return this.retrying(async () => {
      const client = await this.pool.connect();
      try {
        const result = await client.query(this.withNumbers(sql), args as unknown[]);
        client.release();
        return result.rows as R[];
      } catch (error) {
        client.release(isConnectionLost(error));
        throw error;
      }
    });
  }

  /**
   * `fence AS (...)` for the WITH of an idempotentWrite: one row while this process may write (its
   * lease's token, locked FOR SHARE as a transaction's check does; always one without a lease),
   * none once another coordinator leads. Join it, and no row is written when fenced.
   */
  fenceCte(): string {
    return `fence AS (${this.fence === undefined ? 'SELECT 1 AS held' : fenceCheck(this.fence)})`;
  }

  /** From now on every write checks that the lease's token is still `token`, or fails whole. */
  fenceWrites(token: number): void {
    this.fence = token;
  }

  /** A snapshot: every query of `fn` sees the store as it was when the first one ran. */
  read<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Runs `fn` in a transaction begun by `begin`. With a `fence` token the transaction first checks
   * that the lease still carries it, in the same round trip as the BEGIN (a simple query of two
   * statements; the token is an integer of ours): `FOR SHARE`, so a coordinator taking the lead
   * waits for this transaction to end, and once it has taken it (a new token), no write of this
   * process commits again.
   */
  private transaction<T>(
    begin: string,
    fn: (tx: Transaction, first: readonly unknown[][]) => Promise<T>,
    fence?: number,
    first: readonly string[] = [],
  ): Promise<T> {
    const unsafe = first.find((statement) => !isInlined(statement));
    if (unsafe !== undefined) return Promise.reject(new RangeError(`not a statement to send without parameters: ${unsafe}`));
    return this.retrying(async () => {
      let client: pg.PoolClient | undefined;
      let committing = false;
      try {
        client = await this.pool.connect();
        const statements = [begin, ...(fence === undefined ? [] : [fenceCheck(fence)]), ...first];
        const answer = (await client.query(statements.join('; '))) as unknown as pg.QueryResult | pg.QueryResult[];
        // One statement gives one result; several, one each.
        const results = Array.isArray(answer) ? answer : [answer];
        if (fence !== undefined && results[1]?.rowCount !== 1) throw fencedError(this.location, fence);
        const value = await fn(
          this.queries(client),
          results.slice(statements.length - first.length).map((result) => result.rows as unknown[]),
        );
        committing = true;
        await client.query('COMMIT');
        client.release();
        return value;
      } catch (error) {
        const lost = isConnectionLost(error);
        if (client) {
          if (!lost && !committing) await client.query('ROLLBACK').catch(() => undefined);
          client.release(lost);
        }
        if (committing && lost) {
          // The COMMIT went out and no answer came back: it may have been applied. Running the
          // transaction again could apply it twice, so it fails, and the caller's retry decides.
          throw new StoreError(
            'IO_ERROR',
            this.location,
            `the connection to ${this.location} was lost while a change was being committed: it may or may not be stored`,
          );
        }
        throw error;
      }
    });
  }

  /**
   * Runs `attempt` again after a deadlock or a serialization failure (20 times at most, with a
   * random backoff) and while the server is out of reach (up to `waitMs`, saying so through
   * `onWait`); any other error, as the user should read it.
   */
  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    const waitMs = this.options.waitMs ?? 300_000;
    const started = Date.now();
    for (let round = 0; ; round += 1) {
      try {
        return await attempt();
      } catch (error) {
        const backoff = Math.min(2_000, 50 * 2 ** Math.min(round, 6));
        if (isRetryable(error) && round < 20) {
          await sleep(backoff * Math.random());
          continue;
        }
        if (isConnectionLost(error) && Date.now() - started < waitMs) {
          this.options.onWait?.(`${this.location} out of reach (${(error as Error).message}); trying again`);
          await sleep(backoff);
          continue;
        }
        throw translatePostgresError(error, this.location);
      }
    }
  }

  private queries(client: pg.PoolClient): Transaction {
    const query = (sql: string, args: readonly unknown[] = []): Promise<pg.QueryResult> =>
      client.query(this.withNumbers(sql), args as unknown[]);
    return {
      all: async <R>(sql: string, args?: readonly unknown[]) => (await query(sql, args)).rows as R[],
      get: async <R>(sql: string, args?: readonly unknown[]) => (await query(sql, args)).rows[0] as R | undefined,
      run: async (sql, args) => (await query(sql, args)).rowCount ?? 0,
    };
  }

  /** `?` to `$1`, `$2`... outside quoted text, so that the SQL reads as the SQLite store's does. */
  private withNumbers(sql: string): string {
    let text = this.numbered.get(sql);
    if (text === undefined) {
      let n = 0;
      text = sql.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++n}` : match));
      if (this.numbered.size < 10_000) this.numbered.set(sql, text);
    }
    return text;
  }

  /** Applies the migrations not yet applied, each in its transaction, one process at a time. */
  private async migrate(migrations: readonly Migration[]): Promise<void> {
    const latest = migrations.at(-1)?.version ?? 0;
    for (const migration of migrations) {
      await this.write(async (tx) => {
        // Held to the end of the transaction: two processes opening a new database migrate in turn.
        await tx.get('SELECT pg_advisory_xact_lock(?, 0)', [LOCK_CLASS]);
        const version = await schemaVersion(tx);
        if (version > latest) throw newerSchema(this.location, version, latest);
        if (version >= migration.version) return;
        await tx.run(migration.sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
      });
    }
  }

  /** A reader changes nothing: it needs the schema this code knows, neither older nor newer. */
  private async requireSchema(migrations: readonly Migration[]): Promise<void> {
    const latest = migrations.at(-1)?.version ?? 0;
    const version = await this.read(schemaVersion);
    if (version > latest) throw newerSchema(this.location, version, latest);
    if (version < latest)
      throw new StoreError(
        'NEEDS_UPGRADE',
        this.location,
        `the trial store ${this.location} has schema version ${version}; this sweeper reads version ${latest}`,
      );
  }
}

async function schemaVersion(tx: Transaction): Promise<number> {
  const table = await tx.get<{ name: string | null }>("SELECT to_regclass('schema_migrations')::text AS name");
  if (table?.name == null) return 0;
  return (await tx.get<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations'))?.version ?? 0;
}

/** An integer of ours as SQL text, for a statement sent without parameters (`write`'s `first`). */
export function inlineInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`an id written into SQL is an integer, not ${value}`);
  return String(value);
}

/** Whether a statement of `first` carries no parameter, no quoted text, no second statement and no comment: what is written in is an integer (inlineInteger). */
function isInlined(statement: string): boolean {
  return !/[?$'";\\]|--|\/\*/.test(statement);
}

/**
 * The lease still carries `token`: one row, locked FOR SHARE so that a coordinator taking the lead
 * waits for the transaction holding it. The token is an integer of ours, written into the text so
 * that the check can share a simple query with the BEGIN.
 */
function fenceCheck(token: number): string {
  if (!Number.isSafeInteger(token)) throw new RangeError(`a lease token is an integer, not ${token}`);
  return `SELECT 1 AS held FROM coordinator_lease WHERE id = 1 AND token = ${token} FOR SHARE`;
}

function fencedError(location: string, token: number): SweeperError {
  return new SweeperError(
    'FAILED_PRECONDITION',
    `another coordinator leads ${location} now: this one (lease token ${token}) may no longer write to it`,
    undefined,
    { reason: 'FENCED', path: location },
  );
}

function newerSchema(location: string, version: number, latest: number): SweeperError {
  return new SweeperError(
    'FAILED_PRECONDITION',
    `${location} has schema version ${version}, newer than this sweeper knows (${latest})`,
    undefined,
    { reason: 'NEWER_SCHEMA', path: location },
  );
}
