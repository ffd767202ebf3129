import type pg from 'pg';
import { LOCK_CLASS } from './postgres-database.js';

/**
 * The locks that say a study's owner is alive, on a PostgreSQL store: session advisory locks
 * (LOCK_CLASS, study id), held on one connection of this store's own for as long as the owner
 * runs. The server frees them when that session ends, however the process ends and wherever it
 * ran, so a free lock means a dead (or finished) owner, as the lock files of a SQLite store do.
 *
 * If the connection itself is lost (the server restarted), the locks went with it: they are
 * taken again as soon as the server answers, unless someone took the study meanwhile.
 */
export class AdvisoryLocks {
  private connection: Promise<pg.Client> | undefined;
  /** Each lock this store holds, with the owner (StudyOwner.id) it is held for. */
  private readonly held = new Map<number, { holder: string }>();
  /** Studies whose lock is wanted but held elsewhere (taken over, or lost with the connection). */
  private readonly waiting = new Map<number, { readonly timer: NodeJS.Timeout; readonly holder: string }>();
  private closed = false;

  constructor(private readonly connect: () => pg.Client) {}

  holderOf(studyId: number): string | undefined {
    return this.held.get(studyId)?.holder;
  }

  async tryAcquire(studyId: number, holder: string): Promise<boolean> {
    const mine = this.held.get(studyId);
    if (mine) {
      mine.holder = holder;
      return true;
    }
    const client = await this.session();
    const row = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_CLASS, studyId])).rows[0];
    if (row?.locked !== true) return false;
    this.held.set(studyId, { holder });
    return true;
  }

  /** Takes the lock as soon as its holder's session ends (checked every `everyMs`). */
  acquireWhenFree(studyId: number, holder: string, everyMs = 1_000): void {
    this.stopWaiting(studyId);
    const timer = setInterval(() => {
      this.tryAcquire(studyId, holder).then(
        (locked) => locked && this.stopWaiting(studyId),
        () => undefined, // the server is out of reach: try again next time
      );
    }, everyMs);
    timer.unref();
    this.waiting.set(studyId, { timer, holder });
  }

  async release(studyId: number, holder: string): Promise<void> {
    if (this.waiting.get(studyId)?.holder === holder) this.stopWaiting(studyId);
    const mine = this.held.get(studyId);
    if (mine?.holder !== holder) return;
    this.held.delete(studyId);
    const client = await this.connection?.catch(() => undefined);
    await client?.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, studyId]).catch(() => undefined);
  }

  async releaseAll(): Promise<void> {
    this.closed = true;
    for (const studyId of [...this.waiting.keys()]) this.stopWaiting(studyId);
    this.held.clear();
    const client = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    // Ending the session frees every lock it holds.
    await client?.end().catch(() => undefined);
  }

  private session(): Promise<pg.Client> {
    if (this.connection === undefined) {
      const client = this.connect();
      client.on('error', () => this.lost(client));
      this.connection = client.connect().then(
        () => client,
        (error: unknown) => {
          this.connection = undefined;
          throw error;
        },
      );
    }
    return this.connection;
  }

  /** The session is gone and its locks with it: each is wanted back. */
  private lost(client: pg.Client): void {
    this.connection = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    const lost = [...this.held];
    this.held.clear();
    for (const [studyId, { holder }] of lost) this.acquireWhenFree(studyId, holder);
  }

  private stopWaiting(studyId: number): void {
    clearInterval(this.waiting.get(studyId)?.timer);
    this.waiting.delete(studyId);
  }
}
