import { AlreadyExistsError } from '../../errors/already-exists-error.js';
import { InvalidStateError } from '../../errors/invalid-state-error.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import { StaleAttemptError } from '../../errors/stale-attempt-error.js';
import type { ParamValue, ParamValues } from '../../space/param-spec.js';
import { isBetter, lossSign } from '../../core/direction.js';
import type { EpochMetrics } from '../../core/metrics.js';
import { TRIAL_STATES, type TrialState } from '../../core/trial-state.js';
import type { StudyDefinition } from '../study-definition.js';
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
  TrialResult,
} from '../records.js';
import type { TrialPage, TrialPageQuery } from '../trial-page.js';
import type { StudyClaim, TrialStore } from '../trial-store.js';
import { matchesFilter } from './param-filter-match.js';
import { currentEpoch, finite, sortedEpochs, throughJson, trialRecord, type StoredTrial } from './stored-trial.js';
import { trialPageRows } from './trial-page-rows.js';
import type { StoredCheckpoint } from '../../execution/run-assignment.js';
import type { NewSegment, SegmentRecord } from '../segments.js';
import { checkpointFolder, checkpointName, trialOfCheckpoint, type CheckpointRecord } from '../checkpoints/checkpoint-record.js';
import { MemoryBlobs } from '../checkpoints/memory-blobs.js';

interface StoredStudy {
  readonly record: StudyRecord;
  readonly trials: StoredTrial[];
  /** The owner recorded by the last claim, until released. */
  owner?: StudyOwner;
  /** Who holds the study's lock: in one process, the lock is this field. */
  holder?: string;
  hosted: boolean;
}

const WHERE = 'the in-memory store';

/**
 * A TrialStore that keeps everything in this process, for library users who want no file (as
 * Optuna's InMemoryStorage): gone when the process ends. It keeps the invariants the SQLite
 * store's triggers enforce, and passes the same conformance suite. Each method changes nothing
 * until every check has passed, so a refused call leaves the store as it was (one transaction).
 */
export class MemoryTrialStore implements TrialStore {
  private readonly studies = new Map<number, StoredStudy>();
  private readonly trials = new Map<number, StoredTrial>();
  private readonly blobs = new MemoryBlobs();
  private nextStudyId = 1;
  private nextTrialId = 1;
  private closed = false;

  createStudy(definition: StudyDefinition, source?: StudySource): Promise<StudyRecord> {
    return this.run(() => {
      if (this.studyNamed(definition.name)) {
        throw new AlreadyExistsError(`study "${definition.name}" already exists in ${WHERE}`, undefined, {
          reason: 'STUDY_EXISTS',
          study: definition.name,
        });
      }
      const record: StudyRecord = {
        id: this.nextStudyId++,
        name: definition.name,
        createdAt: now(),
        definition: throughJson(definition),
        ...(source !== undefined && {
          source: { text: source.text, format: source.format, ...(source.path !== undefined && { path: source.path }) },
        }),
      };
      this.studies.set(record.id, { record, trials: [], hosted: false });
      return studyRecord(record);
    });
  }

  getStudy(name: string): Promise<StudyRecord> {
    return this.run(() => {
      const study = this.studyNamed(name);
      if (!study) throw new NotFoundError(`no study named "${name}" in ${WHERE}`, undefined, { reason: 'NO_SUCH_STUDY', study: name });
      return studyRecord(study.record);
    });
  }

  findStudy(name: string): Promise<StudyRecord | undefined> {
    return this.run(() => {
      const study = this.studyNamed(name);
      return study && studyRecord(study.record);
    });
  }

  listStudies(): Promise<StudySummary[]> {
    return this.run(() => [...this.studies.values()].map(summary));
  }

  summariseStudy(studyId: number): Promise<StudySummary> {
    return this.run(() => summary(this.study(studyId)));
  }

  claimStudy(studyId: number, owner: StudyOwner, options: { takeOver?: boolean } = {}): Promise<StudyClaim> {
    return this.run(() => {
      const study = this.study(studyId);
      const previous = study.owner?.id === owner.id ? undefined : study.owner;
      const previousAlive = study.holder !== undefined && study.holder !== owner.id;
      if (previousAlive && options.takeOver !== true) {
        const who =
          previous === undefined
            ? 'another process'
            : `process ${previous.pid} on ${previous.host} since ${previous.since ?? 'an unknown time'}`;
        throw new InvalidStateError(`study "${study.record.name}" is being run by ${who}`, undefined, {
          reason: 'STUDY_OWNED',
          study: study.record.name,
        });
      }
      study.owner = { ...owner, since: now() };
      study.holder = owner.id;
      return { ...(previous !== undefined && { previous: { ...previous } }), previousAlive };
    });
  }

  releaseStudy(studyId: number, ownerId: string): Promise<void> {
    return this.run(() => {
      const study = this.studies.get(studyId);
      if (study?.owner?.id === ownerId) delete study.owner;
      if (study?.holder === ownerId) delete study.holder;
    });
  }

  setHosted(studyId: number, hosted: boolean): Promise<void> {
    return this.run(() => {
      this.study(studyId).hosted = hosted;
    });
  }

  createTrial(studyId: number, params: ParamValues | ((number: number) => ParamValues), start?: { worker: string }): Promise<TrialRecord> {
    return this.run(() => {
      const study = this.study(studyId);
      return trialRecord(this.addTrial(study, typeof params === 'function' ? params(study.trials.length) : params, start?.worker));
    });
  }

  createTrials(studyId: number, params: (number: number) => ParamValues | undefined, workers: readonly string[]): Promise<TrialRecord[]> {
    return this.run(() => {
      const study = this.study(studyId);
      // Every parameter set first: a study is changed whole or not at all, as in one transaction.
      const values: ParamValues[] = [];
      while (values.length < workers.length) {
        const next = params(study.trials.length + values.length);
        if (next === undefined) break;
        values.push(next);
      }
      return values.map((value, i) => trialRecord(this.addTrial(study, value, workers[i])));
    });
  }

  /** A trial with the study's next number, QUEUED, or RUNNING as attempt 1 on `worker`. */
  private addTrial(study: StoredStudy, params: ParamValues, worker: string | undefined): StoredTrial {
    const time = now();
    const trial: StoredTrial = {
      id: this.nextTrialId++,
      studyId: study.record.id,
      number: study.trials.length,
      state: worker !== undefined ? 'RUNNING' : 'QUEUED',
      attempt: worker !== undefined ? 1 : 0,
      lostAttempts: 0,
      queuedAt: time,
      ...(worker !== undefined && { worker, startedAt: time }),
      params: throughJson(params),
      epochs: new Map(),
      repeats: new Map(),
      logs: new Map(),
      checkpoints: new Map(),
      segments: new Map(),
    };
    study.trials.push(trial);
    this.trials.set(trial.id, trial);
    return trial;
  }

  startTrial(trialId: number, worker: string): Promise<TrialRecord> {
    return this.run(() => {
      const trial = this.trial(trialId);
      if (trial.state !== 'QUEUED') throw new InvalidStateError(`trial ${trial.number} is ${trial.state}; only a QUEUED trial can start`);
      trial.state = 'RUNNING';
      trial.attempt += 1;
      trial.worker = worker;
      trial.startedAt = now();
      delete trial.reason;
      return trialRecord(trial);
    });
  }

  recordEpoch(trialId: number, attempt: number, repeat: number, epoch: number, metrics: EpochMetrics): Promise<void> {
    return this.run(() => {
      const trial = this.running(trialId, attempt);
      trial.epochs.set(`${repeat}:${epoch}`, { repeat, epoch, ...finiteMetrics(metrics) });
    });
  }

  recordRepeat(trialId: number, attempt: number, result: RepeatResult): Promise<void> {
    return this.run(() => {
      const trial = this.running(trialId, attempt);
      if (trial.repeats.has(result.repeat))
        throw new InvalidStateError(`trial ${trial.number}: repeat ${result.repeat} already has its result`);
      trial.repeats.set(result.repeat, {
        repeat: result.repeat,
        seed: result.seed,
        value: finite(result.value) ?? Number.NaN,
        epochs: result.epochs,
        bestEpoch: result.bestEpoch,
        trainSeconds: result.trainSeconds,
        ...(result.test !== undefined && { test: throughJson(result.test) }),
      });
    });
  }

  finishTrial(trialId: number, attempt: number, outcome: TrialOutcome): Promise<TrialRecord> {
    return this.run(() => {
      const trial = this.running(trialId, attempt);
      const result = outcome.state === 'FAILED' ? undefined : outcome.result;
      // The SQLite store's complete_trial_has_result trigger: a COMPLETE trial has its result.
      if (outcome.state === 'COMPLETE' && result === undefined) throw new InvalidStateError('a COMPLETE trial needs its result');
      if (result !== undefined) trial.result = storedResult(result);
      trial.state = outcome.state;
      trial.finishedAt = now();
      if (outcome.state === 'COMPLETE') delete trial.reason;
      else trial.reason = outcome.reason;
      return trialRecord(trial);
    });
  }

  recordLog(trialId: number, attempt: number, repeat: number, log: string): Promise<void> {
    return this.run(() => {
      this.running(trialId, attempt).logs.set(repeat, log);
    });
  }

  getLogs(trialId: number): Promise<RepeatLog[]> {
    return this.run(() => [...this.trial(trialId).logs.entries()].sort(([a], [b]) => a - b).map(([repeat, log]) => ({ repeat, log })));
  }

  requeueTrial(trialId: number, attempt: number, reason: string, options: { lost?: boolean } = {}): Promise<TrialRecord> {
    return this.run(() => {
      const trial = this.running(trialId, attempt);
      // An unfinished repeat keeps its epochs up to its checkpoint: the next attempt goes on from there.
      for (const [key, epoch] of trial.epochs)
        if (!trial.repeats.has(epoch.repeat) && epoch.epoch > (trial.checkpoints.get(epoch.repeat)?.epoch ?? 0)) trial.epochs.delete(key);
      dropSegmentsBeyondEpochs(trial);
      trial.state = 'QUEUED';
      delete trial.worker;
      delete trial.startedAt;
      trial.reason = reason;
      trial.lostAttempts += options.lost ? 1 : 0;
      return trialRecord(trial);
    });
  }

  async saveCheckpoint(trialId: number, attempt: number, repeat: number, checkpoint: StoredCheckpoint): Promise<void> {
    const trial = await this.run(() => this.running(trialId, attempt));
    const file = checkpointName(trial.studyId, trial.number, { repeat, attempt, epoch: checkpoint.epoch });
    await this.blobs.write(file, checkpoint.data);
    let previous: string | undefined;
    try {
      previous = await this.run(() => {
        this.running(trialId, attempt);
        const old = trial.checkpoints.get(repeat)?.file;
        trial.checkpoints.set(repeat, {
          repeat,
          attempt,
          epoch: checkpoint.epoch,
          bytes: checkpoint.data.length,
          sha256: checkpoint.sha256,
          file,
        });
        return old;
      });
    } catch (error) {
      await this.blobs.remove(file);
      throw error;
    }
    if (previous !== undefined && previous !== file) await this.blobs.remove(previous);
  }

  async loadCheckpoint(trialId: number, repeat: number): Promise<StoredCheckpoint | undefined> {
    const record = await this.run(() => this.trial(trialId).checkpoints.get(repeat));
    if (!record) return undefined;
    return { epoch: record.epoch, sha256: record.sha256, data: await this.blobs.read(record.file, record.bytes, record.sha256) };
  }

  listCheckpoints(trialId: number): Promise<CheckpointRecord[]> {
    return this.run(() =>
      [...this.trial(trialId).checkpoints.values()]
        .sort((a, b) => a.repeat - b.repeat)
        .map(({ repeat, attempt, epoch, bytes, sha256 }) => ({ repeat, attempt, epoch, bytes, sha256 })),
    );
  }

  async forgetCheckpoint(trialId: number, attempt: number, repeat: number): Promise<void> {
    const file = await this.run(() => {
      const trial = this.running(trialId, attempt);
      if (trial.repeats.has(repeat)) throw new InvalidStateError(`repeat ${repeat} of the trial has its result: its epochs stay`);
      const old = trial.checkpoints.get(repeat)?.file;
      trial.checkpoints.delete(repeat);
      for (const [key, epoch] of trial.epochs) if (epoch.repeat === repeat) trial.epochs.delete(key);
      dropSegmentsBeyondEpochs(trial);
      return old;
    });
    if (file !== undefined) await this.blobs.remove(file);
  }

  async startSegments(segments: readonly NewSegment[]): Promise<void> {
    // The parents' bytes are read (and checked) before anything is written: all of it or none.
    const copies = await this.run(() =>
      segments.flatMap((segment) => {
        const member = this.running(segment.trialId, segment.attempt);
        if (segment.parentId === undefined) return [];
        const parent = this.trial(segment.parentId);
        if (parent.studyId !== member.studyId) throw new InvalidStateError('a segment goes on from a member of its own study');
        const record = parent.checkpoints.get(0);
        if (record?.epoch !== segment.fromEpoch - 1)
          throw new InvalidStateError(
            `trial ${parent.number} has no checkpoint of epoch ${segment.fromEpoch - 1} for trial ${member.number} to go on from`,
          );
        const file = checkpointName(member.studyId, member.number, {
          repeat: 0,
          attempt: segment.attempt,
          epoch: record.epoch,
          copyOf: parent.number,
        });
        return [{ segment, member, parent: parent.number, record, file }];
      }),
    );
    const written: string[] = [];
    let replaced: string[];
    try {
      for (const copy of copies) {
        await this.blobs.write(copy.file, await this.blobs.read(copy.record.file, copy.record.bytes, copy.record.sha256));
        written.push(copy.file);
      }
      replaced = await this.run(() => {
        const members = segments.map((segment) => this.running(segment.trialId, segment.attempt));
        members.forEach((member, index) => {
          const segment = segments[index] as NewSegment;
          if (member.segments.has(segment.fromEpoch))
            throw new InvalidStateError(`trial ${member.number} has a segment from epoch ${segment.fromEpoch} already`);
        });
        members.forEach((member, index) => {
          const { fromEpoch, params, parentId } = segments[index] as NewSegment;
          const parent = parentId === undefined ? undefined : this.trial(parentId).number;
          member.segments.set(fromEpoch, { fromEpoch, params: throughJson(params), ...(parent !== undefined && { parent }) });
        });
        const old: string[] = [];
        for (const { segment, member, record, file } of copies) {
          const own = member.checkpoints.get(0);
          if (own) old.push(own.file);
          member.checkpoints.set(0, { ...record, attempt: segment.attempt, file });
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
    return this.run(() =>
      this.study(studyId).trials.flatMap((trial) =>
        [...trial.segments.values()]
          .sort((a, b) => a.fromEpoch - b.fromEpoch)
          .map((segment) => ({ trial: trial.number, ...segment, params: { ...segment.params } })),
      ),
    );
  }

  async retainCheckpoints(studyId: number, keep: number): Promise<number> {
    const { files, keeping } = await this.run(() => {
      const study = this.study(studyId);
      const kept = new Set(this.ranked(study, study.trials).slice(0, keep));
      const removed: string[] = [];
      const staying = new Set<number>();
      for (const trial of study.trials) {
        if (trial.state === 'QUEUED' || trial.state === 'RUNNING' || kept.has(trial)) {
          staying.add(trial.number);
          continue;
        }
        for (const record of trial.checkpoints.values()) removed.push(record.file);
        trial.checkpoints.clear();
      }
      return { files: removed, keeping: staying };
    });
    for (const file of files) await this.blobs.remove(file);
    await this.blobs.sweep(checkpointFolder(studyId), (name) => {
      const trial = trialOfCheckpoint(name);
      return trial !== undefined && !keeping.has(trial);
    });
    return files.length;
  }

  getTrial(studyId: number, number: number): Promise<TrialRecord> {
    return this.run(() => {
      const study = this.study(studyId);
      const trial = study.trials[number];
      if (!trial)
        throw new NotFoundError(`study ${study.record.name} has no trial ${number}`, undefined, {
          reason: 'NO_SUCH_TRIAL',
          study: study.record.name,
        });
      return trialRecord(trial);
    });
  }

  listTrials(studyId: number, filter: { states?: readonly TrialState[] } = {}): Promise<TrialRecord[]> {
    return this.run(() => {
      const states = new Set(filter.states ?? TRIAL_STATES);
      return this.study(studyId)
        .trials.filter((trial) => states.has(trial.state))
        .map(trialRecord);
    });
  }

  bestTrials(studyId: number, limit: number, query: { where?: ParamFilter } = {}): Promise<TrialRecord[]> {
    return this.run(() => {
      const study = this.study(studyId);
      const best = this.ranked(
        study,
        study.trials.filter((trial) => matchesFilter(trial.params, query.where)),
      );
      return upTo(best, limit).map(trialRecord);
    });
  }

  bestTrialsByGroup(studyId: number, param: string, limit: number, query: { where?: ParamFilter } = {}): Promise<TrialGroup[]> {
    return this.run(() => {
      const study = this.study(studyId);
      const byValue = new Map<string, StoredTrial[]>();
      for (const trial of this.ranked(
        study,
        study.trials.filter((t) => t.params[param] !== undefined && matchesFilter(t.params, query.where)),
      )) {
        const key = JSON.stringify(trial.params[param]);
        byValue.set(key, [...(byValue.get(key) ?? []), trial]);
      }
      // In the order of the values' JSON text first, as the SQLite store reads them, so that ties sort alike.
      const groups = [...byValue.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .filter(([, trials]) => upTo(trials, limit).length > 0)
        .map(([key, trials]) => ({
          value: JSON.parse(key) as ParamValue,
          complete: trials.length,
          trials: upTo(trials, limit).map(trialRecord),
        }));
      const sign = lossSign(study.record.definition.objective.direction);
      const top = (group: TrialGroup): number => group.trials[0]?.result?.value ?? 0;
      return groups.sort((a, b) => sign * (top(a) - top(b)) || compareValues(a.value, b.value));
    });
  }

  pageTrials(studyId: number, query: TrialPageQuery): Promise<TrialPage> {
    return this.run(() => {
      const { rows, matching } = trialPageRows(this.study(studyId).trials, query);
      return { rows: rows.map((trial) => ({ trial: trialRecord(trial), currentEpoch: currentEpoch(trial) })), matching };
    });
  }

  async *trialPages(studyId: number, pageSize = 1000): AsyncIterable<readonly TrialRecord[]> {
    const study = await this.run(() => this.study(studyId));
    for (let first = 0; ; first += pageSize) {
      const page = await this.run(() => study.trials.slice(first, first + pageSize).map(trialRecord));
      if (page.length === 0) return;
      yield page;
    }
  }

  async *epochPages(studyId: number, pageSize = 1000): AsyncIterable<readonly TrialEpochRecord[]> {
    const study = await this.run(() => this.study(studyId));
    const last = study.trials.length - 1;
    for (let first = 0; first <= last; first += pageSize) {
      const page = await this.run(() =>
        study.trials
          .slice(first, first + pageSize)
          .flatMap((trial) => sortedEpochs(trial).map((epoch) => ({ trialNumber: trial.number, ...epoch }))),
      );
      if (page.length > 0) yield page;
    }
  }

  getEpochs(trialId: number): Promise<EpochRecord[]> {
    return this.run(() => sortedEpochs(this.trial(trialId)));
  }

  getRepeats(trialId: number): Promise<RepeatResult[]> {
    return this.run(() => [...this.trial(trialId).repeats.values()].sort((a, b) => a.repeat - b.repeat).map(repeatCopy));
  }

  close(): Promise<void> {
    for (const study of this.studies.values()) delete study.holder;
    this.closed = true;
    return Promise.resolve();
  }

  /** Runs one call at once (a promise's executor is synchronous), so nothing interleaves with it: its transaction. */
  private run<T>(fn: () => T): Promise<T> {
    return new Promise((resolve) => {
      if (this.closed) throw new InvalidStateError(`${WHERE} is closed`);
      resolve(fn());
    });
  }

  private studyNamed(name: string): StoredStudy | undefined {
    for (const study of this.studies.values()) if (study.record.name === name) return study;
    return undefined;
  }

  private study(studyId: number): StoredStudy {
    const study = this.studies.get(studyId);
    if (!study) throw new NotFoundError(`no study with id ${studyId} in ${WHERE}`);
    return study;
  }

  private trial(trialId: number): StoredTrial {
    const trial = this.trials.get(trialId);
    if (!trial) throw new NotFoundError(`no trial with id ${trialId} in ${WHERE}`);
    return trial;
  }

  /** The trial, if `attempt` is its current one and it runs: only then may it change (a COMPLETE trial never does). */
  private running(trialId: number, attempt: number): StoredTrial {
    const trial = this.trial(trialId);
    if (trial.attempt !== attempt) throw new StaleAttemptError(trial.number, attempt, trial.attempt);
    if (trial.state !== 'RUNNING')
      throw new InvalidStateError(`trial ${trial.number} is ${trial.state}; it can no longer be changed by attempt ${attempt}`);
    return trial;
  }

  /** COMPLETE trials with a value, best first, ties by number. */
  private ranked(study: StoredStudy, trials: readonly StoredTrial[]): StoredTrial[] {
    const sign = lossSign(study.record.definition.objective.direction);
    return trials
      .filter((trial) => trial.state === 'COMPLETE' && trial.result !== undefined && !Number.isNaN(trial.result.value))
      .sort((a, b) => sign * ((a.result?.value ?? 0) - (b.result?.value ?? 0)) || a.number - b.number);
  }
}

function summary(study: StoredStudy): StudySummary {
  const counts = Object.fromEntries(TRIAL_STATES.map((state) => [state, 0])) as Record<TrialState, number>;
  for (const trial of study.trials) counts[trial.state] += 1;
  const { definition } = study.record;
  const values = study.trials
    .filter((t) => t.state === 'COMPLETE' && t.result !== undefined && !Number.isNaN(t.result.value))
    .map((t) => t.result?.value ?? 0);
  const best = values.reduce<number | undefined>(
    (a, b) => (a === undefined || isBetter(b, a, definition.objective.direction) ? b : a),
    undefined,
  );
  return {
    id: study.record.id,
    name: study.record.name,
    createdAt: study.record.createdAt,
    direction: definition.objective.direction,
    metric: definition.objective.metric,
    ...(definition.budget.trials !== undefined && { budget: definition.budget.trials }),
    hosted: study.hosted,
    counts,
    ...(best !== undefined && { bestValue: best }),
  };
}

function studyRecord(record: StudyRecord): StudyRecord {
  return { ...record, definition: throughJson(record.definition), ...(record.source !== undefined && { source: { ...record.source } }) };
}

function storedResult(result: TrialResult): TrialResult {
  const valueStd = finite(result.valueStd);
  const testAccuracy = finite(result.testAccuracy);
  return {
    value: finite(result.value) ?? Number.NaN,
    ...(valueStd !== undefined && { valueStd }),
    repeats: result.repeats,
    epochs: result.epochs,
    bestEpoch: result.bestEpoch,
    trainSeconds: result.trainSeconds,
    ...(testAccuracy !== undefined && { testAccuracy }),
  };
}

function finiteMetrics(metrics: EpochMetrics): EpochMetrics {
  const kept: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics) as [keyof EpochMetrics, unknown][]) {
    if (name === 'extra') continue;
    const number = finite(value as number | undefined);
    if (number !== undefined) kept[name] = number;
  }
  const extra: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics.extra ?? {})) {
    const number = finite(value);
    if (number !== undefined) extra[name] = number;
  }
  return Object.keys(extra).length === 0 ? kept : { ...kept, extra };
}

/** A copy of a repeat's result; its value may be NaN (not kept as a number), which JSON would turn into null. */
function repeatCopy(repeat: RepeatResult): RepeatResult {
  return { ...repeat, ...(repeat.test !== undefined && { test: throughJson(repeat.test) }) };
}

/** The first `limit`, where a negative limit is none (as SQLite's LIMIT). */
function upTo<T>(items: readonly T[], limit: number): T[] {
  return limit < 0 ? [...items] : items.slice(0, limit);
}

/** Parameter values in a stable order: numbers by value, then the rest by their text. */
function compareValues(a: ParamValue, b: ParamValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function now(): string {
  return new Date().toISOString();
}

/** PBT's segments past the epochs a trial keeps are not its history any more (the SQLite store's dropSegmentsBeyondEpochs). */
function dropSegmentsBeyondEpochs(trial: StoredTrial): void {
  let last = 0;
  for (const { epoch } of trial.epochs.values()) last = Math.max(last, epoch);
  for (const fromEpoch of trial.segments.keys()) if (fromEpoch > last + 1) trial.segments.delete(fromEpoch);
}
