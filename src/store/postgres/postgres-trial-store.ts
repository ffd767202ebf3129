import { dirname, resolve } from 'node:path';
import { AlreadyExistsError } from '../../errors/already-exists-error.js';
import { InvalidStateError } from '../../errors/invalid-state-error.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import type { ParamValues } from '../../space/param-spec.js';
import type { StudyDefinition } from '../study-definition.js';
import { sqlBest, sqlOrder } from '../../core/direction.js';
import { TRIAL_STATES, type TrialState } from '../../core/trial-state.js';
import type { EpochMetrics } from '../../core/metrics.js';
import type {
  EpochRecord,
  ParamFilter,
  RepeatLog,
  RepeatResult,
  StudyOwner,
  StudyRecord,
  StudySource,
  StudySummary,
  TrialEpochRecord,
  TrialGroup,
  TrialOutcome,
  TrialRecord,
} from '../records.js';
import {
  byTrial,
  finiteOrNull,
  now,
  ownedError,
  toEpoch,
  toGroups,
  toRepeat,
  toStudy,
  toSummary,
  toTrial,
  type CheckpointRow,
  type EpochRow,
  type ParamRow,
  type RepeatRow,
  type ResultRow,
  type StudyRow,
  type TrialRow,
  epochValues,
  toSegment,
  checkRunning,
  noSuchStudy,
  noSuchTrial,
  type SegmentRow,
  NEW_TRIAL_COLUMNS,
  newTrialValues,
} from '../sql/rows.js';
import type { StudyClaim, TrialStore } from '../trial-store.js';
import { MAX_EPOCH_BATCH, type EpochWrite } from '../epoch-write.js';
import { GroupCommit } from '../group-commit.js';
import type { TrialPage, TrialPageQuery } from '../trial-page.js';
import { trialPageSql } from '../sql/trial-page-sql.js';
import { paramFilterSql } from '../sql/param-filter-sql.js';
import { POSTGRES } from '../sql/sql-dialect.js';
import type { RawStore } from '../sql/raw-store.js';
import type { StoredCheckpoint } from '../../execution/run-assignment.js';
import type { NewSegment, SegmentRecord } from '../segments.js';
import type { CheckpointBlobs } from '../checkpoints/checkpoint-blobs.js';
import { checkpointFolder, checkpointName, trialOfCheckpoint, type CheckpointRecord } from '../checkpoints/checkpoint-record.js';
import { DirectoryBlobs } from '../checkpoints/directory-blobs.js';
import { AdvisoryLocks } from './advisory-locks.js';
import { CoordinatorLease } from './coordinator-lease.js';
import { inlineInteger, PostgresDatabase, type PostgresOptions } from './postgres-database.js';
import type { Transaction } from '../sql/sql-transaction.js';

export interface PostgresStoreOptions extends PostgresOptions {
  /**
   * The folder of the checkpoints' bytes. A database server has no folder beside it: this one
   * must be shared by every process that writes or reads checkpoints (a volume of the
   * coordinator's). Default: `sweeper-checkpoints` in the working folder.
   */
  readonly checkpoints?: string;
}

const UPSERT_CHECKPOINT = `INSERT INTO trial_checkpoints (trial_id, repeat, attempt, epoch, bytes, sha256, file, saved_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (trial_id, repeat) DO UPDATE SET attempt = EXCLUDED.attempt, epoch = EXCLUDED.epoch, bytes = EXCLUDED.bytes,
    sha256 = EXCLUDED.sha256, file = EXCLUDED.file, saved_at = EXCLUDED.saved_at`;

/** An epoch's row, written by the batched statement and by the checked transaction alike. */
const INSERT_EPOCH = `INSERT INTO trial_epochs
  (trial_id, repeat, epoch, train_loss, train_accuracy, val_loss, val_accuracy, learning_rate, epoch_seconds, mutual_information, extra)`;
/** An epoch reported again replaces its row. */
const REPLACE_EPOCH = `ON CONFLICT (trial_id, repeat, epoch) DO UPDATE SET train_loss = EXCLUDED.train_loss,
  train_accuracy = EXCLUDED.train_accuracy, val_loss = EXCLUDED.val_loss, val_accuracy = EXCLUDED.val_accuracy,
  learning_rate = EXCLUDED.learning_rate, epoch_seconds = EXCLUDED.epoch_seconds,
  mutual_information = EXCLUDED.mutual_information, extra = EXCLUDED.extra`;

/**
 * The trial store on a PostgreSQL database: the SQLite store's schema, invariants and queries
 * (src/store/sqlite/sqlite-trial-store.ts) over a pool of connections. Each method is one
 * transaction; a write locks the rows it checks first (`FOR UPDATE`), so that two processes
 * writing the same trial or study wait for each other instead of deciding on what changes
 * under them. Readers take a snapshot and never block the writers.
 */
export class PostgresTrialStore implements TrialStore, RawStore {
  private readonly locks: AdvisoryLocks;
  /** Checkpoints' bytes: files in the folder given (--checkpoints), shared by every process of the store. */
  readonly blobs: CheckpointBlobs;
  readonly path: string;
  /** Which coordinator leads this store (a standby waits for it). */
  readonly lease: CoordinatorLease;
  private readonly epochs = new GroupCommit<EpochWrite>((epochs) => this.storeEpochs(epochs), MAX_EPOCH_BATCH);

  private constructor(
    private readonly db: PostgresDatabase,
    checkpoints: string,
  ) {
    this.path = db.location;
    this.locks = new AdvisoryLocks(() => db.client());
    this.lease = new CoordinatorLease(db);
    const root = resolve(checkpoints);
    this.blobs = new DirectoryBlobs(root, dirname(root));
  }

  /** Opens a store to write, creating its tables if the database has none. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresTrialStore> {
    return new PostgresTrialStore(await PostgresDatabase.open(url, 'write', options), options.checkpoints ?? 'sweeper-checkpoints');
  }

  /** Opens a store for queries only: nothing is created or migrated, and it must have this code's schema. */
  static async openForReading(url: string, options: PostgresStoreOptions = {}): Promise<PostgresTrialStore> {
    return new PostgresTrialStore(await PostgresDatabase.open(url, 'read', options), options.checkpoints ?? 'sweeper-checkpoints');
  }

  createStudy(definition: StudyDefinition, source?: StudySource): Promise<StudyRecord> {
    return this.db.write(async (tx) => {
      const row = await tx.get<StudyRow>(
        `INSERT INTO studies (name, created_at, direction, metric, budget_trials, definition, source_text, source_format, source_path)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING *`,
        [
          definition.name,
          now(),
          definition.objective.direction,
          definition.objective.metric,
          definition.budget.trials ?? null,
          JSON.stringify(definition),
          source?.text ?? null,
          source?.format ?? null,
          source?.path ?? null,
        ],
      );
      if (!row) {
        throw new AlreadyExistsError(`study "${definition.name}" already exists in ${this.path}`, undefined, {
          reason: 'STUDY_EXISTS',
          study: definition.name,
          path: this.path,
        });
      }
      return toStudy(row);
    });
  }

  getStudy(name: string): Promise<StudyRecord> {
    return this.db.read(async (tx) => toStudy(await this.requireStudyRow(tx, name)));
  }

  findStudy(name: string): Promise<StudyRecord | undefined> {
    return this.db.read(async (tx) => {
      const row = await tx.get<StudyRow>('SELECT * FROM studies WHERE name = ?', [name]);
      return row && toStudy(row);
    });
  }

  listStudies(): Promise<StudySummary[]> {
    return this.db.read(async (tx) => {
      const rows = await tx.all<StudyRow>('SELECT * FROM studies ORDER BY id');
      const summaries: StudySummary[] = [];
      for (const row of rows) summaries.push(await summary(tx, row));
      return summaries;
    });
  }

  summariseStudy(studyId: number): Promise<StudySummary> {
    return this.db.read(async (tx) => summary(tx, await this.studyRowById(tx, studyId)));
  }

  async claimStudy(studyId: number, owner: StudyOwner, options: { takeOver?: boolean } = {}): Promise<StudyClaim> {
    const heldBefore = this.locks.holderOf(studyId);
    const locked = await this.locks.tryAcquire(studyId, owner.id);
    try {
      const claim = await this.db.write(async (tx) => {
        const row = await this.studyRowById(tx, studyId, 'FOR UPDATE');
        const recorded = row.owner === null ? undefined : (JSON.parse(row.owner) as StudyOwner);
        const previous = recorded?.id === owner.id ? undefined : recorded;
        // Held by another session, or held here for an owner that has not let go: either way, alive.
        const previousAlive = !locked || (heldBefore !== undefined && heldBefore !== owner.id);
        if (previousAlive && options.takeOver !== true) throw ownedError(row.name, previous, this.path);
        await tx.run('UPDATE studies SET owner = ? WHERE id = ?', [JSON.stringify({ ...owner, since: now() }), studyId]);
        return { ...(previous !== undefined && { previous }), previousAlive };
      });
      if (!locked) this.locks.acquireWhenFree(studyId, owner.id);
      // A checkpoint the process before was writing when it died stays a temporary file no row
      // names: nobody else writes this study's checkpoints now.
      if (claim.previous !== undefined) await this.blobs.sweep(checkpointFolder(studyId), (name) => name.endsWith('.tmp'));
      return claim;
    } catch (error) {
      if (locked) {
        if (heldBefore === undefined) await this.locks.release(studyId, owner.id);
        else await this.locks.tryAcquire(studyId, heldBefore); // back to the owner that held it
      }
      throw error;
    }
  }

  setHosted(studyId: number, hosted: boolean): Promise<void> {
    return this.db.write(async (tx) => {
      await this.studyRowById(tx, studyId);
      await tx.run('UPDATE studies SET hosted = ? WHERE id = ?', [hosted ? 1 : 0, studyId]);
    });
  }

  async releaseStudy(studyId: number, ownerId: string): Promise<void> {
    // The lock goes last: while it is held, nobody takes the study, released or not.
    try {
      await this.db.write((tx) => tx.run(`UPDATE studies SET owner = NULL WHERE id = ? AND owner::jsonb ->> 'id' = ?`, [studyId, ownerId]));
    } finally {
      await this.locks.release(studyId, ownerId);
    }
  }

  createTrial(studyId: number, params: ParamValues | ((number: number) => ParamValues), start?: { worker: string }): Promise<TrialRecord> {
    return this.insertTrials(studyId, (number, i) => (i > 0 ? undefined : typeof params === 'function' ? params(number) : params), [
      start?.worker,
    ]).then((trials) => trials[0] as TrialRecord);
  }

  createTrials(studyId: number, params: (number: number) => ParamValues | undefined, workers: readonly string[]): Promise<TrialRecord[]> {
    return this.insertTrials(studyId, params, workers);
  }

  /**
   * Trials numbered from the study's next, the i-th QUEUED (no worker) or RUNNING on `workers[i]`,
   * with `params(number, i)`, until it gives undefined: three round trips however many.
   */
  private insertTrials(
    studyId: number,
    params: (number: number, i: number) => ParamValues | undefined,
    workers: readonly (string | undefined)[],
  ): Promise<TrialRecord[]> {
    const id = inlineInteger(studyId);
    return this.db.write(
      async (tx, [study, next]) => {
        if (study?.length !== 1) throw new NotFoundError(`no study with id ${studyId} in ${this.path}`);
        const first = (next?.[0] as { number: number }).number;
        const trials: { number: number; worker: string | undefined; values: [string, unknown][] }[] = [];
        for (const [i, worker] of workers.entries()) {
          const values = params(first + i, i);
          if (values === undefined) break;
          trials.push({ number: first + i, worker, values: Object.entries(values) });
        }
        if (trials.length === 0) return [];
        const time = now();
        const values = trials.flatMap((trial) => trial.values.map(([name, value]) => [trial.number, name, JSON.stringify(value)]));
        // The trials, their parameters and the records read back: one statement.
        const rows = await tx.all<TrialJsonRow>(
          `WITH trial AS (
             INSERT INTO trials ${NEW_TRIAL_COLUMNS}
               VALUES ${trials.map(() => '(?::bigint, ?::integer, ?, ?::integer, ?, ?, ?)').join(', ')} RETURNING *),
           params AS (${
             values.length === 0
               ? 'SELECT NULL::bigint AS trial_id, NULL::text AS name, NULL::text AS value WHERE false'
               : `INSERT INTO trial_params (trial_id, name, value)
                    SELECT trial.id, p.name, p.value FROM trial
                      JOIN (VALUES ${values.map(() => '(?::integer, ?::text, ?::text)').join(', ')}) AS p (number, name, value) ON p.number = trial.number
                    RETURNING trial_id, name, value`
           })
           SELECT trial.*, (SELECT json_object_agg(params.name, params.value) FROM params WHERE params.trial_id = trial.id) AS params_json,
                  NULL AS result_json
             FROM trial ORDER BY trial.number`,
          [...trials.flatMap(({ number, worker }) => newTrialValues(studyId, number, worker, time)), ...values.flat()],
        );
        return rows.map(fromTrialJson);
      },
      {
        // The study's row locked (trials of one study are numbered one after the other), then
        // the next number read in a statement of its own, which sees the trials committed before
        // the lock was granted: both in the BEGIN's round trip.
        first: [
          `SELECT id FROM studies WHERE id = ${id} FOR UPDATE`,
          `SELECT COALESCE(MAX(number) + 1, 0) AS number FROM trials WHERE study_id = ${id}`,
        ],
      },
    );
  }

  startTrial(trialId: number, worker: string): Promise<TrialRecord> {
    return this.db.write(async (tx) => {
      // The state is checked by the UPDATE itself; the row is read only to say why it did not start.
      const started = await tx.get<TrialJsonRow>(
        `UPDATE trials SET state = 'RUNNING', attempt = attempt + 1, worker = ?, started_at = ?, reason = NULL
           WHERE id = ? AND state = 'QUEUED' RETURNING ${trialJson('trials')}`,
        [worker, now(), trialId],
      );
      if (!started) {
        const row = await this.trialRow(tx, trialId);
        throw new InvalidStateError(`trial ${row.number} is ${row.state}; only a QUEUED trial can start`);
      }
      return fromTrialJson(started);
    });
  }

  /**
   * The most frequent write (every epoch of every repeat). Epochs arriving together (GroupCommit)
   * go in one statement that commits by itself: each epoch is stored only if its attempt still
   * runs the trial (and this process may write), all in one round trip. Stored again, an epoch
   * leaves the same row. An epoch it did not store goes through the checked transaction below,
   * which says why (or stores it, if the trial changed in between).
   */
  recordEpoch(trialId: number, attempt: number, repeat: number, epoch: number, metrics: EpochMetrics): Promise<void> {
    return this.epochs.add({ trialId, attempt, repeat, epoch, metrics });
  }

  private async storeEpochs(epochs: readonly EpochWrite[]): Promise<(Error | undefined)[]> {
    const key = (trialId: number | string, attempt: number, repeat: number, epoch: number): string =>
      `${trialId}:${attempt}:${repeat}:${epoch}`;
    // One statement may change a row once: of two writes of the same epoch by one attempt, the
    // later one goes in, as it would have won one after the other. (Of two attempts, only the
    // running one can write.)
    const latest = new Map<string, EpochWrite>();
    for (const write of epochs) latest.set(key(write.trialId, write.attempt, write.repeat, write.epoch), write);
    const unique = [...latest.values()];
    const row = `(?::bigint, ?::integer, ?::integer, ?::integer, ${Array.from({ length: 7 }, () => '?::double precision').join(', ')}, ?::text)`;
    const stored = await this.db.idempotentWrite<{ trial_id: string; attempt: number; repeat: number; epoch: number }>(
      `WITH ${this.db.fenceCte()},
         incoming (trial_id, attempt, repeat, epoch, train_loss, train_accuracy, val_loss, val_accuracy, learning_rate, epoch_seconds,
                   mutual_information, extra) AS (VALUES ${unique.map(() => row).join(', ')}),
         running AS (SELECT trials.id, trials.attempt FROM trials
                       WHERE trials.id IN (SELECT trial_id FROM incoming) AND trials.state = 'RUNNING'
                       ORDER BY trials.id FOR UPDATE),
         written AS (
           ${INSERT_EPOCH}
             SELECT incoming.trial_id, incoming.repeat, incoming.epoch, incoming.train_loss, incoming.train_accuracy, incoming.val_loss,
                 incoming.val_accuracy, incoming.learning_rate, incoming.epoch_seconds, incoming.mutual_information, incoming.extra
               FROM incoming JOIN running ON running.id = incoming.trial_id AND running.attempt = incoming.attempt, fence
             ${REPLACE_EPOCH}
             RETURNING trial_id, repeat, epoch)
       SELECT written.trial_id, running.attempt, written.repeat, written.epoch FROM written JOIN running ON running.id = written.trial_id`,
      unique.flatMap((write) => [write.trialId, write.attempt, write.repeat, write.epoch, ...epochValues(write.metrics)]),
    );
    const done = new Set(stored.map((written) => key(written.trial_id, written.attempt, written.repeat, written.epoch)));
    const results: (Error | undefined)[] = [];
    for (const write of epochs) {
      if (done.has(key(write.trialId, write.attempt, write.repeat, write.epoch))) {
        results.push(undefined);
        continue;
      }
      // Not stored: the checked transaction says why (a stale attempt, a fenced leader), or stores
      // it if the trial changed in between.
      try {
        await this.recordEpochChecked(write.trialId, write.attempt, write.repeat, write.epoch, write.metrics);
        results.push(undefined);
      } catch (error) {
        results.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return results;
  }

  private recordEpochChecked(trialId: number, attempt: number, repeat: number, epoch: number, metrics: EpochMetrics): Promise<void> {
    return this.runningWrite(trialId, attempt, async (tx) => {
      await tx.run(`${INSERT_EPOCH} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${REPLACE_EPOCH}`, [
        trialId,
        repeat,
        epoch,
        ...epochValues(metrics),
      ]);
    });
  }

  recordLog(trialId: number, attempt: number, repeat: number, log: string): Promise<void> {
    return this.runningWrite(trialId, attempt, async (tx) => {
      await tx.run(
        'INSERT INTO trial_logs (trial_id, repeat, log) VALUES (?, ?, ?) ON CONFLICT (trial_id, repeat) DO UPDATE SET log = EXCLUDED.log',
        [trialId, repeat, log],
      );
    });
  }

  getLogs(trialId: number): Promise<RepeatLog[]> {
    return this.db.read(async (tx) => {
      await this.trialRow(tx, trialId);
      const rows = await tx.all<RepeatLog>('SELECT repeat, log FROM trial_logs WHERE trial_id = ? ORDER BY repeat', [trialId]);
      return rows.map((row) => ({ repeat: row.repeat, log: row.log }));
    });
  }

  recordRepeat(trialId: number, attempt: number, result: RepeatResult): Promise<void> {
    return this.runningWrite(trialId, attempt, async (tx, row) => {
      // A repeat already stored is not replaced: the insert says so by returning no row.
      const stored = await tx.get(
        `INSERT INTO trial_repeats (trial_id, repeat, seed, value, epochs, best_epoch, train_seconds, finished_at, test)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trial_id, repeat) DO NOTHING RETURNING trial_id`,
        [
          trialId,
          result.repeat,
          result.seed,
          finiteOrNull(result.value),
          result.epochs,
          result.bestEpoch,
          result.trainSeconds,
          now(),
          result.test ? JSON.stringify(result.test) : null,
        ],
      );
      if (!stored) throw new InvalidStateError(`trial ${row.number}: repeat ${result.repeat} already has its result`);
    });
  }

  finishTrial(trialId: number, attempt: number, outcome: TrialOutcome): Promise<TrialRecord> {
    return this.runningWrite(trialId, attempt, async (tx, row) => {
      const result = outcome.state === 'FAILED' ? undefined : outcome.result;
      if (result) {
        await tx.run(
          `INSERT INTO trial_results (trial_id, study_id, value, value_std, repeats, epochs, best_epoch, train_seconds, test_accuracy)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            trialId,
            row.study_id,
            finiteOrNull(result.value),
            finiteOrNull(result.valueStd),
            result.repeats,
            result.epochs,
            result.bestEpoch,
            result.trainSeconds,
            finiteOrNull(result.testAccuracy),
          ],
        );
      }
      const finished = await tx.get<TrialJsonRow>(
        `UPDATE trials SET state = ?, finished_at = ?, reason = ? WHERE id = ? RETURNING ${trialJson('trials')}`,
        [outcome.state, now(), outcome.state === 'COMPLETE' ? null : outcome.reason, trialId],
      );
      return fromTrialJson(finished as TrialJsonRow);
    });
  }

  requeueTrial(trialId: number, attempt: number, reason: string, options: { lost?: boolean } = {}): Promise<TrialRecord> {
    return this.runningWrite(trialId, attempt, async (tx) => {
      // An unfinished repeat keeps its epochs up to its checkpoint: the next attempt goes on from there.
      await tx.run(
        `DELETE FROM trial_epochs WHERE trial_id = ? AND repeat NOT IN (SELECT repeat FROM trial_repeats WHERE trial_id = ?)
           AND epoch > COALESCE((SELECT c.epoch FROM trial_checkpoints c WHERE c.trial_id = trial_epochs.trial_id AND c.repeat = trial_epochs.repeat), 0)`,
        [trialId, trialId],
      );
      await dropSegmentsBeyondEpochs(tx, trialId);
      const requeued = await tx.get<TrialJsonRow>(
        `UPDATE trials SET state = 'QUEUED', worker = NULL, started_at = NULL, reason = ?, lost_attempts = lost_attempts + ? WHERE id = ?
           RETURNING ${trialJson('trials')}`,
        [reason, options.lost ? 1 : 0, trialId],
      );
      return fromTrialJson(requeued as TrialJsonRow);
    });
  }

  async saveCheckpoint(trialId: number, attempt: number, repeat: number, checkpoint: StoredCheckpoint): Promise<void> {
    // Checked before the bytes are written, and again with the row: a stale attempt writes neither.
    const trial = await this.db.read((tx) => this.requireRunning(tx, trialId, attempt, ''));
    const file = checkpointName(trial.study_id, trial.number, { repeat, attempt, epoch: checkpoint.epoch });
    await this.blobs.write(file, checkpoint.data);
    let previous: string | undefined;
    try {
      previous = await this.runningWrite(trialId, attempt, async (tx) => {
        const old = await tx.get<{ file: string }>('SELECT file FROM trial_checkpoints WHERE trial_id = ? AND repeat = ?', [
          trialId,
          repeat,
        ]);
        await tx.run(UPSERT_CHECKPOINT, [
          trialId,
          repeat,
          attempt,
          checkpoint.epoch,
          checkpoint.data.length,
          checkpoint.sha256,
          file,
          now(),
        ]);
        return old?.file;
      });
    } catch (error) {
      await this.blobs.remove(file);
      throw error;
    }
    if (previous !== undefined && previous !== file) await this.blobs.remove(previous);
  }

  async loadCheckpoint(trialId: number, repeat: number): Promise<StoredCheckpoint | undefined> {
    const row = await this.db.read((tx) =>
      tx.get<CheckpointRow>('SELECT * FROM trial_checkpoints WHERE trial_id = ? AND repeat = ?', [trialId, repeat]),
    );
    if (!row) return undefined;
    return { epoch: row.epoch, sha256: row.sha256, data: await this.blobs.read(row.file, row.bytes, row.sha256) };
  }

  listCheckpoints(trialId: number): Promise<CheckpointRecord[]> {
    return this.db.read(async (tx) =>
      (await tx.all<CheckpointRow>('SELECT * FROM trial_checkpoints WHERE trial_id = ? ORDER BY repeat', [trialId])).map(
        ({ repeat, attempt, epoch, bytes, sha256 }) => ({ repeat, attempt, epoch, bytes, sha256 }),
      ),
    );
  }

  async forgetCheckpoint(trialId: number, attempt: number, repeat: number): Promise<void> {
    const file = await this.runningWrite(trialId, attempt, async (tx) => {
      if (await tx.get('SELECT 1 FROM trial_repeats WHERE trial_id = ? AND repeat = ?', [trialId, repeat]))
        throw new InvalidStateError(`repeat ${repeat} of the trial has its result: its epochs stay`);
      const row = await tx.get<{ file: string }>('DELETE FROM trial_checkpoints WHERE trial_id = ? AND repeat = ? RETURNING file', [
        trialId,
        repeat,
      ]);
      await tx.run('DELETE FROM trial_epochs WHERE trial_id = ? AND repeat = ?', [trialId, repeat]);
      await dropSegmentsBeyondEpochs(tx, trialId);
      return row?.file;
    });
    if (file !== undefined) await this.blobs.remove(file);
  }

  async startSegments(segments: readonly NewSegment[]): Promise<void> {
    // The parents' bytes are read (and checked) before anything is written: all of it or none.
    const copies = await this.db.read(async (tx) => {
      const found: { segment: NewSegment; row: CheckpointRow; file: string }[] = [];
      for (const segment of segments) {
        const member = await this.requireRunning(tx, segment.trialId, segment.attempt, '');
        if (segment.parentId === undefined) continue;
        const parent = await this.trialRow(tx, segment.parentId);
        const row = await tx.get<CheckpointRow>('SELECT * FROM trial_checkpoints WHERE trial_id = ? AND repeat = 0', [segment.parentId]);
        if (row?.epoch !== segment.fromEpoch - 1)
          throw new InvalidStateError(
            `trial ${parent.number} has no checkpoint of epoch ${segment.fromEpoch - 1} for trial ${member.number} to go on from`,
          );
        const file = checkpointName(member.study_id, member.number, {
          repeat: 0,
          attempt: segment.attempt,
          epoch: row.epoch,
          copyOf: parent.number,
        });
        found.push({ segment, row, file });
      }
      return found;
    });
    const written: string[] = [];
    let replaced: string[];
    try {
      for (const copy of copies) {
        await this.blobs.write(copy.file, await this.blobs.read(copy.row.file, copy.row.bytes, copy.row.sha256));
        written.push(copy.file);
      }
      replaced = await this.db.write(async (tx) => {
        // Locked in one order, whoever decides: two deciders never wait for each other in a circle.
        for (const segment of [...segments].sort((a, b) => a.trialId - b.trialId))
          await this.requireRunning(tx, segment.trialId, segment.attempt, 'FOR UPDATE');
        for (const segment of segments)
          await tx.run('INSERT INTO trial_segments (trial_id, from_epoch, params, parent_id) VALUES (?, ?, ?, ?)', [
            segment.trialId,
            segment.fromEpoch,
            JSON.stringify(segment.params),
            segment.parentId ?? null,
          ]);
        const old: string[] = [];
        for (const { segment, row, file } of copies) {
          const own = await tx.get<{ file: string }>('SELECT file FROM trial_checkpoints WHERE trial_id = ? AND repeat = 0', [
            segment.trialId,
          ]);
          if (own) old.push(own.file);
          await tx.run(UPSERT_CHECKPOINT, [segment.trialId, 0, segment.attempt, row.epoch, row.bytes, row.sha256, file, now()]);
        }
        return old;
      });
    } catch (error) {
      for (const file of written) await this.blobs.remove(file);
      throw error;
    }
    for (const file of replaced) if (!written.includes(file)) await this.blobs.remove(file);
  }

  listSegments(studyId: number): Promise<SegmentRecord[]> {
    return this.db.read(async (tx) =>
      (
        await tx.all<SegmentRow>(
          `SELECT t.number, s.from_epoch, s.params, p.number AS parent FROM trial_segments s
             JOIN trials t ON t.id = s.trial_id LEFT JOIN trials p ON p.id = s.parent_id
             WHERE t.study_id = ? ORDER BY t.number, s.from_epoch`,
          [studyId],
        )
      ).map(toSegment),
    );
  }

  async retainCheckpoints(studyId: number, keep: number): Promise<number> {
    const { files, keeping } = await this.db.write(async (tx) => {
      const study = await this.studyRowById(tx, studyId, 'FOR UPDATE');
      const best = `SELECT r.trial_id FROM trial_results r JOIN trials b ON b.id = r.trial_id
                      WHERE r.study_id = ? AND b.state = 'COMPLETE' AND r.value IS NOT NULL
                      ORDER BY r.value ${sqlOrder(study.direction)}, b.number ASC LIMIT ?`;
      const rows = await tx.all<{ trial_id: number; repeat: number; file: string }>(
        `DELETE FROM trial_checkpoints c USING trials t
           WHERE t.id = c.trial_id AND t.study_id = ? AND t.state IN ('COMPLETE', 'PRUNED', 'FAILED') AND t.id NOT IN (${best})
           RETURNING c.trial_id, c.repeat, c.file`,
        [studyId, studyId, keep],
      );
      // Trials whose files stay: those still to run and the kept ones.
      const kept = await tx.all<{ number: number }>(
        `SELECT number FROM trials WHERE study_id = ? AND (state IN ('QUEUED', 'RUNNING') OR id IN (${best}))`,
        [studyId, studyId, keep],
      );
      return { files: rows.map((row) => row.file), keeping: new Set(kept.map((row) => row.number)) };
    });
    // After the rows: a file whose row is gone is never read, and a crash here leaves only litter,
    // which the sweep below removes next time, with any file written but never recorded.
    for (const file of files) await this.blobs.remove(file);
    await this.blobs.sweep(checkpointFolder(studyId), (name) => {
      const trial = trialOfCheckpoint(name);
      return trial !== undefined && !keeping.has(trial);
    });
    return files.length;
  }

  getTrial(studyId: number, number: number): Promise<TrialRecord> {
    return this.db.read(async (tx) => {
      const row = await tx.get<TrialRow>('SELECT * FROM trials WHERE study_id = ? AND number = ?', [studyId, number]);
      if (!row) {
        const name = (await this.studyRowById(tx, studyId)).name;
        throw new NotFoundError(`study ${name} has no trial ${number}`, undefined, {
          reason: 'NO_SUCH_TRIAL',
          study: name,
          path: this.path,
        });
      }
      return (await assemble(tx, [row]))[0] as TrialRecord;
    });
  }

  listTrials(studyId: number, filter: { states?: readonly TrialState[] } = {}): Promise<TrialRecord[]> {
    return this.db.read(async (tx) => {
      await this.studyRowById(tx, studyId);
      const rows = await tx.all<TrialRow>('SELECT * FROM trials WHERE study_id = ? AND state = ANY(?) ORDER BY number', [
        studyId,
        filter.states ?? TRIAL_STATES,
      ]);
      return assemble(tx, rows);
    });
  }

  bestTrials(studyId: number, limit: number, query: { where?: ParamFilter } = {}): Promise<TrialRecord[]> {
    return this.db.read(async (tx) => {
      const study = await this.studyRowById(tx, studyId);
      const filter = paramFilterSql(query.where, POSTGRES);
      const rows = await tx.all<TrialRow>(
        `SELECT t.* FROM trial_results r JOIN trials t ON t.id = r.trial_id
           WHERE r.study_id = ? AND t.state = 'COMPLETE' AND r.value IS NOT NULL${filter.sql}
           ORDER BY r.value ${sqlOrder(study.direction)}, t.number ASC LIMIT ?`,
        [studyId, ...filter.args, limit],
      );
      return assemble(tx, rows);
    });
  }

  bestTrialsByGroup(studyId: number, param: string, limit: number, query: { where?: ParamFilter } = {}): Promise<TrialGroup[]> {
    return this.db.read(async (tx) => {
      const study = await this.studyRowById(tx, studyId);
      const order = sqlOrder(study.direction);
      const filter = paramFilterSql(query.where, POSTGRES);
      const rows = await tx.all<TrialRow & { group_value: string; group_size: number }>(
        `SELECT * FROM (
             SELECT t.*, g.value AS group_value,
                    ROW_NUMBER() OVER (PARTITION BY g.value ORDER BY r.value ${order}, t.number) AS group_rank,
                    COUNT(*) OVER (PARTITION BY g.value) AS group_size
             FROM trial_results r JOIN trials t ON t.id = r.trial_id
                  JOIN trial_params g ON g.trial_id = t.id AND g.name = ?
             WHERE r.study_id = ? AND t.state = 'COMPLETE' AND r.value IS NOT NULL${filter.sql}
           ) ranked WHERE group_rank <= ? ORDER BY group_value, group_rank`,
        [param, studyId, ...filter.args, limit],
      );
      return toGroups(rows, await assemble(tx, rows), study.direction);
    });
  }

  pageTrials(studyId: number, query: TrialPageQuery): Promise<TrialPage> {
    return this.db.read(async (tx) => {
      await this.studyRowById(tx, studyId);
      const { count, page } = trialPageSql(studyId, query, POSTGRES);
      const matching = (await tx.get<{ n: number }>(count.sql, count.args))?.n ?? 0;
      const rows = await tx.all<TrialRow & { current_epoch: number | null }>(page.sql, page.args);
      const trials = await assemble(tx, rows);
      return { rows: rows.map((row, index) => ({ trial: trials[index] as TrialRecord, currentEpoch: row.current_epoch })), matching };
    });
  }

  async *trialPages(studyId: number, pageSize = 1000): AsyncIterable<readonly TrialRecord[]> {
    await this.db.read((tx) => this.studyRowById(tx, studyId));
    let after = -1;
    for (;;) {
      const page = await this.db.read(async (tx) =>
        assemble(
          tx,
          await tx.all<TrialRow>('SELECT * FROM trials WHERE study_id = ? AND number > ? ORDER BY number LIMIT ?', [
            studyId,
            after,
            pageSize,
          ]),
        ),
      );
      if (page.length === 0) return;
      yield page;
      after = (page.at(-1) as TrialRecord).number;
    }
  }

  async *epochPages(studyId: number, pageSize = 1000): AsyncIterable<readonly TrialEpochRecord[]> {
    const last = await this.db.read(async (tx) => {
      await this.studyRowById(tx, studyId);
      return (await tx.get<{ last: number | null }>('SELECT MAX(number) AS last FROM trials WHERE study_id = ?', [studyId]))?.last ?? null;
    });
    // Pages are ranges of trial numbers, walked through the trials' (study_id, number) index.
    for (let first = 0; last !== null && first <= last; first += pageSize) {
      const page = await this.db.read(async (tx) =>
        (
          await tx.all<EpochRow & { trial_number: number }>(
            `SELECT t.number AS trial_number, e.* FROM trials t JOIN trial_epochs e ON e.trial_id = t.id
               WHERE t.study_id = ? AND t.number >= ? AND t.number < ? ORDER BY t.number, e.repeat, e.epoch`,
            [studyId, first, first + pageSize],
          )
        ).map((row) => ({ trialNumber: row.trial_number, ...toEpoch(row) })),
      );
      if (page.length > 0) yield page;
    }
  }

  getEpochs(trialId: number): Promise<EpochRecord[]> {
    return this.db.read(async (tx) => {
      await this.trialRow(tx, trialId);
      return (await tx.all<EpochRow>('SELECT * FROM trial_epochs WHERE trial_id = ? ORDER BY repeat, epoch', [trialId])).map(toEpoch);
    });
  }

  getRepeats(trialId: number): Promise<RepeatResult[]> {
    return this.db.read(async (tx) => {
      await this.trialRow(tx, trialId);
      return (await tx.all<RepeatRow>('SELECT * FROM trial_repeats WHERE trial_id = ? ORDER BY repeat', [trialId])).map(toRepeat);
    });
  }

  async close(): Promise<void> {
    await this.epochs.flushed();
    await this.locks.releaseAll();
    await this.db.close();
  }

  /** Runs `fn` in one transaction over the tables (RawStore), run again whole if the server was out of reach before its COMMIT. */
  rawTransaction<T>(use: 'read' | 'write', fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return use === 'write' ? this.db.write(fn) : this.db.read(fn);
  }

  private async requireStudyRow(tx: Transaction, name: string): Promise<StudyRow> {
    const row = await tx.get<StudyRow>('SELECT * FROM studies WHERE name = ?', [name]);
    if (!row) throw noSuchStudy(name, this.path);
    return row;
  }

  private async studyRowById(tx: Transaction, studyId: number, lock: '' | 'FOR UPDATE' = ''): Promise<StudyRow> {
    const row = await tx.get<StudyRow>(`SELECT * FROM studies WHERE id = ? ${lock}`, [studyId]);
    if (!row) throw new NotFoundError(`no study with id ${studyId} in ${this.path}`);
    return row;
  }

  private async trialRow(tx: Transaction, trialId: number, lock: '' | 'FOR UPDATE' = ''): Promise<TrialRow> {
    const row = await tx.get<TrialRow>(`SELECT * FROM trials WHERE id = ? ${lock}`, [trialId]);
    if (!row) throw noSuchTrial(trialId, this.path);
    return row;
  }

  /** The trial's row, locked in a write (a read's snapshot needs no lock), if `attempt` runs it. */
  private async requireRunning(
    tx: Transaction,
    trialId: number,
    attempt: number,
    lock: '' | 'FOR UPDATE' = 'FOR UPDATE',
  ): Promise<TrialRow> {
    const row = await this.trialRow(tx, trialId, lock);
    return checkRunning(row, attempt);
  }

  /** A write of a trial that `attempt` runs: its row locked and checked in the BEGIN's round trip, then `fn`. */
  private runningWrite<T>(trialId: number, attempt: number, fn: (tx: Transaction, row: TrialRow) => Promise<T>): Promise<T> {
    return this.db.write(
      (tx, [rows]) => {
        const row = rows?.[0] as TrialRow | undefined;
        if (!row) throw noSuchTrial(trialId, this.path);
        return fn(tx, checkRunning(row, attempt));
      },
      { first: [`SELECT * FROM trials WHERE id = ${inlineInteger(trialId)} FOR UPDATE`] },
    );
  }
}

/** A trial's row with its parameters and result as JSON (`trialJson`). */
type TrialJsonRow = TrialRow & { params_json: Record<string, string> | null; result_json: ResultRow | null };

/**
 * The columns of a trial's record in one row: its own, and its parameters and result as JSON.
 * In a write's RETURNING they cost no round trip of their own (asked for one by one, a row, its
 * parameters and its result cost three).
 */
function trialJson(alias: string): string {
  return `${alias}.*,
    (SELECT json_object_agg(p.name, p.value) FROM trial_params p WHERE p.trial_id = ${alias}.id) AS params_json,
    (SELECT row_to_json(r) FROM trial_results r WHERE r.trial_id = ${alias}.id) AS result_json`;
}

function fromTrialJson(row: TrialJsonRow): TrialRecord {
  const { params_json: paramsJson, result_json: resultJson, ...trial } = row;
  // The rows assemble() reads, parsed by the same byTrial.
  const paramRows = Object.entries(paramsJson ?? {}).map(([name, value]) => ({ trial_id: trial.id, name, value }));
  const { params, results } = byTrial(paramRows, resultJson ? [resultJson] : []);
  return toTrial(trial, params.get(trial.id) ?? {}, results.get(trial.id));
}

/** PBT's segments past the epochs a trial keeps are not its history any more: its next attempt trains them again. */
async function dropSegmentsBeyondEpochs(tx: Transaction, trialId: number): Promise<void> {
  await tx.run(
    `DELETE FROM trial_segments WHERE trial_id = ?
       AND from_epoch > 1 + COALESCE((SELECT MAX(epoch) FROM trial_epochs WHERE trial_id = ?), 0)`,
    [trialId, trialId],
  );
}

/** Attaches parameters and results to trial rows: one query each, for any number of trials. */
async function assemble(tx: Transaction, rows: readonly TrialRow[]): Promise<TrialRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const { params, results } = byTrial(
    await tx.all<ParamRow>('SELECT * FROM trial_params WHERE trial_id = ANY(?)', [ids]),
    await tx.all<ResultRow>('SELECT * FROM trial_results WHERE trial_id = ANY(?)', [ids]),
  );
  return rows.map((row) => toTrial(row, params.get(row.id) ?? {}, results.get(row.id)));
}

async function summary(tx: Transaction, row: StudyRow): Promise<StudySummary> {
  const counts = await tx.all<{ state: TrialState; n: number }>(
    'SELECT state, COUNT(*) AS n FROM trials WHERE study_id = ? GROUP BY state',
    [row.id],
  );
  const best = await tx.get<{ value: number | null }>(
    `SELECT ${sqlBest(row.direction)}(r.value) AS value FROM trial_results r JOIN trials t ON t.id = r.trial_id WHERE r.study_id = ? AND t.state = 'COMPLETE'`,
    [row.id],
  );
  return toSummary(row, counts, best?.value);
}
