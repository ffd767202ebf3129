import type Database from 'better-sqlite3';
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
import type { TrialPage, TrialPageQuery } from '../trial-page.js';
import { openDatabase } from './open-database.js';
import { openDatabaseForReading } from './open-database-for-reading.js';
import { translateSqliteError } from './sqlite-failure.js';
import { StudyLocks } from './study-locks.js';
import { trialPageSql } from '../sql/trial-page-sql.js';
import { paramFilterSql } from '../sql/param-filter-sql.js';
import { SQLITE } from '../sql/sql-dialect.js';
import type { RawStore } from '../sql/raw-store.js';
import type { Transaction } from '../sql/sql-transaction.js';
import type { StoredCheckpoint } from '../../execution/run-assignment.js';
import type { NewSegment, SegmentRecord } from '../segments.js';
import type { CheckpointBlobs } from '../checkpoints/checkpoint-blobs.js';
import { checkpointFolder, checkpointName, trialOfCheckpoint, type CheckpointRecord } from '../checkpoints/checkpoint-record.js';
import { DirectoryBlobs } from '../checkpoints/directory-blobs.js';
import { MemoryBlobs } from '../checkpoints/memory-blobs.js';
import { MAX_EPOCH_BATCH, type EpochWrite } from '../epoch-write.js';
import { GroupCommit } from '../group-commit.js';
import { SweeperError } from '../../errors/sweeper-error.js';

/** The trial store on one SQLite file (better-sqlite3: synchronous, so each method is one transaction). */
export class SqliteTrialStore implements TrialStore, RawStore {
  /**
   * Statements by SQL text, prepared once: preparing costs more than running the small
   * statements of a trial's writes (a third of a coordinator's time per trial went there).
   */
  private readonly statements = new Map<string, Database.Statement>();

  /**
   * Runs a function in a transaction. Made once: db.transaction(fn) builds four wrapper
   * functions on every call, which cost as much as a small write.
   */
  private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>;

  /** The locks of the studies this store's owners run: a free lock is a dead owner. */
  private readonly locks: StudyLocks;

  /** Checkpoints' bytes: files in `<store>.checkpoints/` (in memory for a `:memory:` store). */
  readonly blobs: CheckpointBlobs;

  private readonly epochs = new GroupCommit<EpochWrite>((epochs) => this.storeEpochs(epochs), MAX_EPOCH_BATCH);

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.transaction = db.transaction((fn: () => unknown) => fn());
    this.locks = new StudyLocks(path);
    this.blobs = path === ':memory:' ? new MemoryBlobs() : DirectoryBlobs.beside(path);
  }

  /** Opens (creating if needed) a store to write: refused if this process cannot write it or its file is damaged. */
  static open(path: string): SqliteTrialStore {
    return new SqliteTrialStore(openDatabase(path), path);
  }

  /** Opens an existing store for queries only: it works on a store this process cannot write. */
  static openForReading(path: string): SqliteTrialStore {
    return new SqliteTrialStore(openDatabaseForReading(path), path);
  }

  createStudy(definition: StudyDefinition, source?: StudySource): Promise<StudyRecord> {
    return this.write(() => {
      if (this.studyRow(definition.name)) {
        throw new AlreadyExistsError(`study "${definition.name}" already exists in ${this.path}`, undefined, {
          reason: 'STUDY_EXISTS',
          study: definition.name,
          path: this.path,
        });
      }
      const info = this.prepare(
        `INSERT INTO studies (name, created_at, direction, metric, budget_trials, definition, source_text, source_format, source_path)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        definition.name,
        now(),
        definition.objective.direction,
        definition.objective.metric,
        definition.budget.trials ?? null,
        JSON.stringify(definition),
        source?.text ?? null,
        source?.format ?? null,
        source?.path ?? null,
      );
      return toStudy(this.prepare<[number], StudyRow>('SELECT * FROM studies WHERE id = ?').get(Number(info.lastInsertRowid)) as StudyRow);
    });
  }

  getStudy(name: string): Promise<StudyRecord> {
    return this.read(() => toStudy(this.requireStudyRow(name)));
  }

  findStudy(name: string): Promise<StudyRecord | undefined> {
    return this.read(() => {
      const row = this.studyRow(name);
      return row && toStudy(row);
    });
  }

  listStudies(): Promise<StudySummary[]> {
    return this.read(() =>
      this.prepare<[], StudyRow>('SELECT * FROM studies ORDER BY id')
        .all()
        .map((row) => this.summary(row)),
    );
  }

  summariseStudy(studyId: number): Promise<StudySummary> {
    return this.read(() => this.summary(this.studyRowById(studyId)));
  }

  async claimStudy(studyId: number, owner: StudyOwner, options: { takeOver?: boolean } = {}): Promise<StudyClaim> {
    const heldBefore = this.locks.holderOf(studyId);
    const locked = this.locks.tryAcquire(studyId, owner.id);
    try {
      const claim = await this.write(() => {
        const row = this.studyRowById(studyId);
        const recorded = row.owner === null ? undefined : (JSON.parse(row.owner) as StudyOwner);
        const previous = recorded?.id === owner.id ? undefined : recorded;
        // Held elsewhere, or held here for an owner that has not let go: either way, alive.
        const previousAlive = !locked || (heldBefore !== undefined && heldBefore !== owner.id);
        if (previousAlive && options.takeOver !== true) throw ownedError(row.name, previous, this.path);
        this.prepare('UPDATE studies SET owner = ? WHERE id = ?').run(JSON.stringify({ ...owner, since: now() }), studyId);
        return { ...(previous !== undefined && { previous }), previousAlive };
      });
      if (!locked) this.locks.acquireWhenFree(studyId, owner.id);
      // A checkpoint the process before was writing when it died stays a temporary file no row
      // names: nobody else writes this study's checkpoints now.
      if (claim.previous !== undefined) await this.blobs.sweep(checkpointFolder(studyId), (name) => name.endsWith('.tmp'));
      return claim;
    } catch (error) {
      if (locked) {
        if (heldBefore === undefined) this.locks.release(studyId, owner.id);
        else this.locks.tryAcquire(studyId, heldBefore); // back to the owner that held it
      }
      throw error;
    }
  }

  setHosted(studyId: number, hosted: boolean): Promise<void> {
    return this.write(() => {
      this.studyRowById(studyId);
      this.prepare('UPDATE studies SET hosted = ? WHERE id = ?').run(hosted ? 1 : 0, studyId);
    });
  }

  releaseStudy(studyId: number, ownerId: string): Promise<void> {
    // The lock goes last: while it is held, nobody takes the study, released or not.
    return this.write(() => {
      this.prepare(`UPDATE studies SET owner = NULL WHERE id = ? AND json_extract(owner, '$.id') = ?`).run(studyId, ownerId);
    }).finally(() => this.locks.release(studyId, ownerId));
  }

  createTrial(studyId: number, params: ParamValues | ((number: number) => ParamValues), start?: { worker: string }): Promise<TrialRecord> {
    return this.write(() => {
      this.studyRowById(studyId);
      const next = this.nextNumber(studyId);
      const trialId = this.insertTrial(studyId, next, typeof params === 'function' ? params(next) : params, start?.worker);
      return this.trialById(trialId);
    });
  }

  createTrials(studyId: number, params: (number: number) => ParamValues | undefined, workers: readonly string[]): Promise<TrialRecord[]> {
    return this.write(() => {
      this.studyRowById(studyId);
      const first = this.nextNumber(studyId);
      const ids: number[] = [];
      for (const [i, worker] of workers.entries()) {
        const values = params(first + i);
        if (values === undefined) break;
        ids.push(this.insertTrial(studyId, first + i, values, worker));
      }
      return ids.map((id) => this.trialById(id));
    });
  }

  private nextNumber(studyId: number): number {
    return (
      this.prepare<[number], { next: number }>('SELECT COALESCE(MAX(number) + 1, 0) AS next FROM trials WHERE study_id = ?').get(
        studyId,
      ) as { next: number }
    ).next;
  }

  /** A trial and its parameters, QUEUED, or RUNNING as attempt 1 on `worker`; its id. */
  private insertTrial(studyId: number, number: number, values: ParamValues, worker: string | undefined): number {
    const info = this.prepare(`INSERT INTO trials ${NEW_TRIAL_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      ...newTrialValues(studyId, number, worker, now()),
    );
    const trialId = Number(info.lastInsertRowid);
    const insertParam = this.prepare('INSERT INTO trial_params (trial_id, name, value) VALUES (?, ?, ?)');
    for (const [name, value] of Object.entries(values)) insertParam.run(trialId, name, JSON.stringify(value));
    return trialId;
  }

  startTrial(trialId: number, worker: string): Promise<TrialRecord> {
    return this.write(() => {
      const row = this.trialRow(trialId);
      if (row.state !== 'QUEUED') throw new InvalidStateError(`trial ${row.number} is ${row.state}; only a QUEUED trial can start`);
      this.prepare(
        `UPDATE trials SET state = 'RUNNING', attempt = attempt + 1, worker = ?, started_at = ?, reason = NULL WHERE id = ?`,
      ).run(worker, now(), trialId);
      return this.trialById(trialId);
    });
  }

  /** Epochs arriving together are stored in one transaction (GroupCommit); each is checked on its own. */
  recordEpoch(trialId: number, attempt: number, repeat: number, epoch: number, metrics: EpochMetrics): Promise<void> {
    return this.epochs.add({ trialId, attempt, repeat, epoch, metrics });
  }

  private storeEpochs(epochs: readonly EpochWrite[]): Promise<(Error | undefined)[]> {
    return this.write(() =>
      epochs.map(({ trialId, attempt, repeat, epoch, metrics }) => {
        // Checked by the INSERT itself (an epoch is most of a sweep's writes); the trial is read
        // only to say why an epoch was refused.
        const stored = this.prepare(
          `INSERT OR REPLACE INTO trial_epochs
               (trial_id, repeat, epoch, train_loss, train_accuracy, val_loss, val_accuracy, learning_rate, epoch_seconds, mutual_information, extra)
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM trials WHERE id = ? AND state = 'RUNNING' AND attempt = ?)`,
        ).run(trialId, repeat, epoch, ...epochValues(metrics), trialId, attempt).changes;
        if (stored === 1) return undefined;
        try {
          this.requireRunning(trialId, attempt);
        } catch (error) {
          // This epoch's attempt no longer runs: refused alone, nothing of it written.
          if (error instanceof SweeperError) return error;
          throw error;
        }
        throw new Error(`epoch ${epoch} of trial ${trialId} was not stored, though its attempt ${attempt} runs`);
      }),
    );
  }

  recordLog(trialId: number, attempt: number, repeat: number, log: string): Promise<void> {
    return this.write(() => {
      this.requireRunning(trialId, attempt);
      this.prepare('INSERT OR REPLACE INTO trial_logs (trial_id, repeat, log) VALUES (?, ?, ?)').run(trialId, repeat, log);
    });
  }

  getLogs(trialId: number): Promise<RepeatLog[]> {
    return this.read(() => {
      this.trialRow(trialId);
      return this.prepare<[number], RepeatLog>('SELECT repeat, log FROM trial_logs WHERE trial_id = ? ORDER BY repeat')
        .all(trialId)
        .map((row) => ({ repeat: row.repeat, log: row.log }));
    });
  }

  recordRepeat(trialId: number, attempt: number, result: RepeatResult): Promise<void> {
    return this.write(() => {
      const row = this.requireRunning(trialId, attempt);
      const exists = this.prepare('SELECT 1 FROM trial_repeats WHERE trial_id = ? AND repeat = ?').get(trialId, result.repeat);
      if (exists) throw new InvalidStateError(`trial ${row.number}: repeat ${result.repeat} already has its result`);
      this.prepare(
        `INSERT INTO trial_repeats (trial_id, repeat, seed, value, epochs, best_epoch, train_seconds, finished_at, test)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        trialId,
        result.repeat,
        result.seed,
        finiteOrNull(result.value),
        result.epochs,
        result.bestEpoch,
        result.trainSeconds,
        now(),
        result.test ? JSON.stringify(result.test) : null,
      );
    });
  }

  finishTrial(trialId: number, attempt: number, outcome: TrialOutcome): Promise<TrialRecord> {
    return this.write(() => {
      const row = this.requireRunning(trialId, attempt);
      const result = outcome.state === 'FAILED' ? undefined : outcome.result;
      if (result) {
        this.prepare(
          `INSERT INTO trial_results (trial_id, study_id, value, value_std, repeats, epochs, best_epoch, train_seconds, test_accuracy)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          trialId,
          row.study_id,
          finiteOrNull(result.value),
          finiteOrNull(result.valueStd),
          result.repeats,
          result.epochs,
          result.bestEpoch,
          result.trainSeconds,
          finiteOrNull(result.testAccuracy),
        );
      }
      this.prepare('UPDATE trials SET state = ?, finished_at = ?, reason = ? WHERE id = ?').run(
        outcome.state,
        now(),
        outcome.state === 'COMPLETE' ? null : outcome.reason,
        trialId,
      );
      return this.trialById(trialId);
    });
  }

  requeueTrial(trialId: number, attempt: number, reason: string, options: { lost?: boolean } = {}): Promise<TrialRecord> {
    return this.write(() => {
      this.requireRunning(trialId, attempt);
      // An unfinished repeat keeps its epochs up to its checkpoint: the next attempt goes on from there.
      this.prepare(
        `DELETE FROM trial_epochs WHERE trial_id = ? AND repeat NOT IN (SELECT repeat FROM trial_repeats WHERE trial_id = ?)
           AND epoch > COALESCE((SELECT c.epoch FROM trial_checkpoints c WHERE c.trial_id = trial_epochs.trial_id AND c.repeat = trial_epochs.repeat), 0)`,
      ).run(trialId, trialId);
      this.dropSegmentsBeyondEpochs(trialId);
      this.prepare(
        `UPDATE trials SET state = 'QUEUED', worker = NULL, started_at = NULL, reason = ?, lost_attempts = lost_attempts + ? WHERE id = ?`,
      ).run(reason, options.lost ? 1 : 0, trialId);
      return this.trialById(trialId);
    });
  }

  async saveCheckpoint(trialId: number, attempt: number, repeat: number, checkpoint: StoredCheckpoint): Promise<void> {
    // Checked before the bytes are written, and again with the row: a stale attempt writes neither.
    const trial = await this.read(() => this.requireRunning(trialId, attempt));
    const file = checkpointName(trial.study_id, trial.number, { repeat, attempt, epoch: checkpoint.epoch });
    await this.blobs.write(file, checkpoint.data);
    let previous: string | undefined;
    try {
      previous = await this.write(() => {
        this.requireRunning(trialId, attempt);
        const old = this.prepare<[number, number], { file: string }>(
          'SELECT file FROM trial_checkpoints WHERE trial_id = ? AND repeat = ?',
        ).get(trialId, repeat);
        this.prepare(
          `INSERT OR REPLACE INTO trial_checkpoints (trial_id, repeat, attempt, epoch, bytes, sha256, file, saved_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(trialId, repeat, attempt, checkpoint.epoch, checkpoint.data.length, checkpoint.sha256, file, now());
        return old?.file;
      });
    } catch (error) {
      await this.blobs.remove(file);
      throw error;
    }
    if (previous !== undefined && previous !== file) await this.blobs.remove(previous);
  }

  async loadCheckpoint(trialId: number, repeat: number): Promise<StoredCheckpoint | undefined> {
    const row = await this.read(() =>
      this.prepare<[number, number], CheckpointRow>('SELECT * FROM trial_checkpoints WHERE trial_id = ? AND repeat = ?').get(
        trialId,
        repeat,
      ),
    );
    if (!row) return undefined;
    return { epoch: row.epoch, sha256: row.sha256, data: await this.blobs.read(row.file, row.bytes, row.sha256) };
  }

  listCheckpoints(trialId: number): Promise<CheckpointRecord[]> {
    return this.read(() =>
      this.prepare<[number], CheckpointRow>('SELECT * FROM trial_checkpoints WHERE trial_id = ? ORDER BY repeat')
        .all(trialId)
        .map(({ repeat, attempt, epoch, bytes, sha256 }) => ({ repeat, attempt, epoch, bytes, sha256 })),
    );
  }

  async forgetCheckpoint(trialId: number, attempt: number, repeat: number): Promise<void> {
    const file = await this.write(() => {
      this.requireRunning(trialId, attempt);
      if (this.prepare('SELECT 1 FROM trial_repeats WHERE trial_id = ? AND repeat = ?').get(trialId, repeat))
        throw new InvalidStateError(`repeat ${repeat} of the trial has its result: its epochs stay`);
      const row = this.prepare<[number, number], { file: string }>(
        'SELECT file FROM trial_checkpoints WHERE trial_id = ? AND repeat = ?',
      ).get(trialId, repeat);
      this.prepare('DELETE FROM trial_checkpoints WHERE trial_id = ? AND repeat = ?').run(trialId, repeat);
      this.prepare('DELETE FROM trial_epochs WHERE trial_id = ? AND repeat = ?').run(trialId, repeat);
      this.dropSegmentsBeyondEpochs(trialId);
      return row?.file;
    });
    if (file !== undefined) await this.blobs.remove(file);
  }

  async startSegments(segments: readonly NewSegment[]): Promise<void> {
    // The parents' bytes are read (and checked) before anything is written: all of it or none.
    const copies = await this.read(() =>
      segments.flatMap((segment) => {
        const member = this.requireRunning(segment.trialId, segment.attempt);
        if (segment.parentId === undefined) return [];
        const parent = this.trialRow(segment.parentId);
        const row = this.prepare<[number], CheckpointRow>('SELECT * FROM trial_checkpoints WHERE trial_id = ? AND repeat = 0').get(
          segment.parentId,
        );
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
        return [{ segment, row, file }];
      }),
    );
    const written: string[] = [];
    let replaced: string[];
    try {
      for (const copy of copies) {
        await this.blobs.write(copy.file, await this.blobs.read(copy.row.file, copy.row.bytes, copy.row.sha256));
        written.push(copy.file);
      }
      replaced = await this.write(() => {
        const insert = this.prepare('INSERT INTO trial_segments (trial_id, from_epoch, params, parent_id) VALUES (?, ?, ?, ?)');
        for (const segment of segments) {
          this.requireRunning(segment.trialId, segment.attempt);
          insert.run(segment.trialId, segment.fromEpoch, JSON.stringify(segment.params), segment.parentId ?? null);
        }
        const old: string[] = [];
        for (const { segment, row, file } of copies) {
          const own = this.prepare<[number], { file: string }>('SELECT file FROM trial_checkpoints WHERE trial_id = ? AND repeat = 0').get(
            segment.trialId,
          );
          if (own) old.push(own.file);
          this.prepare(
            `INSERT OR REPLACE INTO trial_checkpoints (trial_id, repeat, attempt, epoch, bytes, sha256, file, saved_at)
               VALUES (?, 0, ?, ?, ?, ?, ?, ?)`,
          ).run(segment.trialId, segment.attempt, row.epoch, row.bytes, row.sha256, file, now());
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
    return this.read(() =>
      this.prepare<[number], SegmentRow>(
        `SELECT t.number, s.from_epoch, s.params, p.number AS parent FROM trial_segments s
           JOIN trials t ON t.id = s.trial_id LEFT JOIN trials p ON p.id = s.parent_id
           WHERE t.study_id = ? ORDER BY t.number, s.from_epoch`,
      )
        .all(studyId)
        .map(toSegment),
    );
  }

  async retainCheckpoints(studyId: number, keep: number): Promise<number> {
    const { files, keeping } = await this.write(() => {
      const study = this.studyRowById(studyId);
      const best = `SELECT r.trial_id FROM trial_results r JOIN trials b ON b.id = r.trial_id
                      WHERE r.study_id = ? AND b.state = 'COMPLETE' AND r.value IS NOT NULL
                      ORDER BY r.value ${sqlOrder(study.direction)}, b.number ASC LIMIT ?`;
      const rows = this.prepare<unknown[], { trial_id: number; repeat: number; file: string }>(
        `SELECT c.trial_id, c.repeat, c.file FROM trial_checkpoints c JOIN trials t ON t.id = c.trial_id
           WHERE t.study_id = ? AND t.state IN ('COMPLETE', 'PRUNED', 'FAILED') AND t.id NOT IN (${best})`,
      ).all(studyId, studyId, keep);
      const remove = this.prepare('DELETE FROM trial_checkpoints WHERE trial_id = ? AND repeat = ?');
      for (const row of rows) remove.run(row.trial_id, row.repeat);
      // Trials whose files stay: those still to run and the kept ones.
      const keeping = this.prepare<unknown[], { number: number }>(
        `SELECT number FROM trials WHERE study_id = ? AND (state IN ('QUEUED', 'RUNNING') OR id IN (${best}))`,
      ).all(studyId, studyId, keep);
      return { files: rows.map((row) => row.file), keeping: new Set(keeping.map((row) => row.number)) };
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
    return this.read(() => {
      const row = this.prepare<[number, number], TrialRow>('SELECT * FROM trials WHERE study_id = ? AND number = ?').get(studyId, number);
      if (!row) {
        const name = this.studyRowById(studyId).name;
        throw new NotFoundError(`study ${name} has no trial ${number}`, undefined, {
          reason: 'NO_SUCH_TRIAL',
          study: name,
          path: this.path,
        });
      }
      return this.assemble([row])[0] as TrialRecord;
    });
  }

  listTrials(studyId: number, filter: { states?: readonly TrialState[] } = {}): Promise<TrialRecord[]> {
    return this.read(() => {
      this.studyRowById(studyId);
      const states = filter.states ?? TRIAL_STATES;
      const placeholders = states.map(() => '?').join(', ');
      const rows = this.prepare<unknown[], TrialRow>(
        `SELECT * FROM trials WHERE study_id = ? AND state IN (${placeholders}) ORDER BY number`,
      ).all(studyId, ...states);
      return this.assemble(rows);
    });
  }

  bestTrials(studyId: number, limit: number, query: { where?: ParamFilter } = {}): Promise<TrialRecord[]> {
    return this.read(() => {
      const study = this.studyRowById(studyId);
      const order = sqlOrder(study.direction);
      const filter = paramFilterSql(query.where, SQLITE);
      // Walks trial_results_by_value best first and stops after `limit` matches: a filter costs
      // one primary-key probe of trial_params per trial looked at.
      const rows = this.prepare<unknown[], TrialRow>(
        `SELECT t.* FROM trial_results r JOIN trials t ON t.id = r.trial_id
           WHERE r.study_id = ? AND t.state = 'COMPLETE' AND r.value IS NOT NULL${filter.sql}
           ORDER BY r.value ${order}, t.number ASC LIMIT ?`,
      ).all(studyId, ...filter.args, limit);
      return this.assemble(rows);
    });
  }

  bestTrialsByGroup(studyId: number, param: string, limit: number, query: { where?: ParamFilter } = {}): Promise<TrialGroup[]> {
    return this.read(() => {
      const study = this.studyRowById(studyId);
      const order = sqlOrder(study.direction);
      const filter = paramFilterSql(query.where, SQLITE);
      // One pass over the study's COMPLETE trials: a window ranks each group's trials.
      const rows = this.prepare<unknown[], TrialRow & { group_value: string; group_size: number }>(
        `SELECT * FROM (
             SELECT t.*, g.value AS group_value,
                    ROW_NUMBER() OVER (PARTITION BY g.value ORDER BY r.value ${order}, t.number) AS group_rank,
                    COUNT(*) OVER (PARTITION BY g.value) AS group_size
             FROM trial_results r JOIN trials t ON t.id = r.trial_id
                  JOIN trial_params g ON g.trial_id = t.id AND g.name = ?
             WHERE r.study_id = ? AND t.state = 'COMPLETE' AND r.value IS NOT NULL${filter.sql}
           ) WHERE group_rank <= ? ORDER BY group_value, group_rank`,
      ).all(param, studyId, ...filter.args, limit);
      return toGroups(rows, this.assemble(rows), study.direction);
    });
  }

  pageTrials(studyId: number, query: TrialPageQuery): Promise<TrialPage> {
    return this.read(() => {
      this.studyRowById(studyId);
      const { count, page } = trialPageSql(studyId, query, SQLITE);
      // Prepared each time: the SQL varies with the filters, and a page is read once a second at most.
      const matching = (this.db.prepare<unknown[], { n: number }>(count.sql).get(...count.args) as { n: number }).n;
      const rows = this.db.prepare<unknown[], TrialRow & { current_epoch: number | null }>(page.sql).all(...page.args);
      const trials = this.assemble(rows);
      return { rows: rows.map((row, index) => ({ trial: trials[index] as TrialRecord, currentEpoch: row.current_epoch })), matching };
    });
  }

  async *trialPages(studyId: number, pageSize = 1000): AsyncIterable<readonly TrialRecord[]> {
    await this.read(() => this.studyRowById(studyId));
    let after = -1;
    for (;;) {
      const page = await this.read(() =>
        this.assemble(
          this.prepare<[number, number, number], TrialRow>(
            'SELECT * FROM trials WHERE study_id = ? AND number > ? ORDER BY number LIMIT ?',
          ).all(studyId, after, pageSize),
        ),
      );
      if (page.length === 0) return;
      yield page;
      after = (page.at(-1) as TrialRecord).number;
    }
  }

  async *epochPages(studyId: number, pageSize = 1000): AsyncIterable<readonly TrialEpochRecord[]> {
    const { last } = await this.read(() => {
      this.studyRowById(studyId);
      return this.prepare<[number], { last: number | null }>('SELECT MAX(number) AS last FROM trials WHERE study_id = ?').get(studyId) as {
        last: number | null;
      };
    });
    // Pages are ranges of trial numbers, walked through the trials' (study_id, number) index.
    for (let first = 0; last !== null && first <= last; first += pageSize) {
      const page = await this.read(() =>
        this.prepare<[number, number, number], EpochRow & { trial_number: number }>(
          `SELECT t.number AS trial_number, e.* FROM trials t JOIN trial_epochs e ON e.trial_id = t.id
             WHERE t.study_id = ? AND t.number >= ? AND t.number < ? ORDER BY t.number, e.repeat, e.epoch`,
        )
          .all(studyId, first, first + pageSize)
          .map((row) => ({ trialNumber: row.trial_number, ...toEpoch(row) })),
      );
      if (page.length > 0) yield page;
    }
  }

  getEpochs(trialId: number): Promise<EpochRecord[]> {
    return this.read(() => {
      this.trialRow(trialId);
      return this.prepare<[number], EpochRow>('SELECT * FROM trial_epochs WHERE trial_id = ? ORDER BY repeat, epoch')
        .all(trialId)
        .map(toEpoch);
    });
  }

  getRepeats(trialId: number): Promise<RepeatResult[]> {
    return this.read(() => {
      this.trialRow(trialId);
      return this.prepare<[number], RepeatRow>('SELECT * FROM trial_repeats WHERE trial_id = ? ORDER BY repeat').all(trialId).map(toRepeat);
    });
  }

  async close(): Promise<void> {
    await this.epochs.flushed();
    this.locks.releaseAll();
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in one IMMEDIATE transaction: it takes the write lock up front, so it never deadlocks upgrading. */
  /**
   * Runs `fn` in one transaction over the tables (RawStore). `fn` may wait on files between its
   * queries: nothing else may use this store until it settles.
   */
  async rawTransaction<T>(use: 'read' | 'write', fn: (tx: Transaction) => Promise<T>): Promise<T> {
    try {
      this.db.exec(use === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
      const value = await fn(this.queries);
      this.db.exec('COMMIT');
      return value;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw translateSqliteError(error, this.path);
    }
  }

  /** The Transaction of rawTransaction: its statements prepared once, like the store's own. */
  private readonly queries: Transaction = {
    all: <R>(sql: string, args: readonly unknown[] = []) => Promise.resolve(this.prepare<unknown[], R>(sql).all(...args)),
    get: <R>(sql: string, args: readonly unknown[] = []) => Promise.resolve(this.prepare<unknown[], R>(sql).get(...args)),
    run: (sql: string, args: readonly unknown[] = []) => Promise.resolve(this.prepare(sql).run(...args).changes),
  };

  private write<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(this.transaction.immediate(fn) as T);
    } catch (error) {
      return Promise.reject(translateSqliteError(error, this.path));
    }
  }

  private read<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(this.transaction.deferred(fn) as T);
    } catch (error) {
      return Promise.reject(translateSqliteError(error, this.path));
    }
  }

  private prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement as Database.Statement<P, R>;
  }

  private studyRow(name: string): StudyRow | undefined {
    return this.prepare<[string], StudyRow>('SELECT * FROM studies WHERE name = ?').get(name);
  }

  private requireStudyRow(name: string): StudyRow {
    const row = this.studyRow(name);
    if (!row) throw noSuchStudy(name, this.path);
    return row;
  }

  private studyRowById(studyId: number): StudyRow {
    const row = this.prepare<[number], StudyRow>('SELECT * FROM studies WHERE id = ?').get(studyId);
    if (!row) throw new NotFoundError(`no study with id ${studyId} in ${this.path}`);
    return row;
  }

  private trialRow(trialId: number): TrialRow {
    const row = this.prepare<[number], TrialRow>('SELECT * FROM trials WHERE id = ?').get(trialId);
    if (!row) throw noSuchTrial(trialId, this.path);
    return row;
  }

  /** PBT's segments past the epochs a trial keeps are not its history any more: its next attempt trains them again. */
  private dropSegmentsBeyondEpochs(trialId: number): void {
    this.prepare(
      `DELETE FROM trial_segments WHERE trial_id = ?
         AND from_epoch > 1 + COALESCE((SELECT MAX(epoch) FROM trial_epochs WHERE trial_id = ?), 0)`,
    ).run(trialId, trialId);
  }

  private requireRunning(trialId: number, attempt: number): TrialRow {
    const row = this.trialRow(trialId);
    return checkRunning(row, attempt);
  }

  private trialById(trialId: number): TrialRecord {
    return this.assemble([this.trialRow(trialId)])[0] as TrialRecord;
  }

  /** Attaches parameters and results to trial rows, with one query each per 500 trials. */
  private assemble(rows: readonly TrialRow[]): TrialRecord[] {
    const paramRows: ParamRow[] = [];
    const resultRows: ResultRow[] = [];
    for (let start = 0; start < rows.length; start += 500) {
      const ids = rows.slice(start, start + 500).map((row) => row.id);
      const placeholders = ids.map(() => '?').join(', ');
      // One trial (what every write returns) is the hot path; longer lists vary in length and are prepared each time.
      const prepare = ids.length === 1 ? this.prepare.bind(this) : this.db.prepare.bind(this.db);
      paramRows.push(...prepare<number[], ParamRow>(`SELECT * FROM trial_params WHERE trial_id IN (${placeholders})`).all(...ids));
      resultRows.push(...prepare<number[], ResultRow>(`SELECT * FROM trial_results WHERE trial_id IN (${placeholders})`).all(...ids));
    }
    const { params, results } = byTrial(paramRows, resultRows);
    return rows.map((row) => toTrial(row, params.get(row.id) ?? {}, results.get(row.id)));
  }

  private summary(row: StudyRow): StudySummary {
    const counts = this.prepare<[number], { state: TrialState; n: number }>(
      'SELECT state, COUNT(*) AS n FROM trials WHERE study_id = ? GROUP BY state',
    ).all(row.id);
    const best = this.db
      .prepare<[number], { value: number | null }>(
        `SELECT ${sqlBest(row.direction)}(r.value) AS value FROM trial_results r JOIN trials t ON t.id = r.trial_id WHERE r.study_id = ? AND t.state = 'COMPLETE'`,
      )
      .get(row.id);
    return toSummary(row, counts, best?.value);
  }
}
