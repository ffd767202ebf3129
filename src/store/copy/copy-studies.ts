import { AlreadyExistsError } from '../../errors/already-exists-error.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import { SweeperError } from '../../errors/sweeper-error.js';
import type { CheckpointBlobs } from '../checkpoints/checkpoint-blobs.js';
import { checkpointFolder } from '../checkpoints/checkpoint-record.js';
import type { LocatedStore } from '../open-store.js';
import type { StudyOwner } from '../records.js';
import type { Transaction } from '../sql/sql-transaction.js';
import { insertRows } from './insert-rows.js';
import { countDifferences, countRows, type StudyCounts } from './study-counts.js';
import { STUDY_COLUMNS, TRIAL_COLUMNS, TRIAL_TABLES, type Row, type TrialTable } from './study-tables.js';

/** A study as copied, with the rows of each table: the same in both stores, checked before the copy was committed. */
export interface CopiedStudy {
  readonly name: string;
  readonly counts: StudyCounts;
}

/** One study's rows, read in one snapshot of the source. */
interface StudyRows {
  readonly study: Row;
  readonly trials: readonly Row[];
  readonly tables: Readonly<Record<TrialTable, readonly Row[]>>;
  readonly counts: StudyCounts;
}

/**
 * Copies studies (all, or those named) with every row of their trials and their checkpoints'
 * bytes from one store to another, of either kind, in one transaction of the target: every
 * study is copied or none. A study whose name the target already has is refused, before
 * anything is written. While they are copied the studies are claimed in the source as `owner`,
 * so that no coordinator or `run` changes them half-way (one that runs them refuses the copy).
 */
export async function copyStudies(
  from: LocatedStore,
  to: LocatedStore,
  owner: StudyOwner,
  names?: readonly string[],
): Promise<CopiedStudy[]> {
  const studies = names?.length ? await Promise.all(names.map((name) => from.getStudy(name))) : await from.listStudies();
  if (studies.length === 0) throw new NotFoundError(`no study to copy in ${from.path}`);
  const claimed: number[] = [];
  try {
    for (const study of studies) {
      await from.claimStudy(study.id, owner);
      claimed.push(study.id);
    }
    const snapshot = await from.rawTransaction('read', async (tx) => {
      const rows: StudyRows[] = [];
      for (const study of studies) rows.push(await readStudy(tx, study.id));
      return rows;
    });
    return await writeStudies(snapshot, from.blobs, to);
  } finally {
    for (const id of claimed) await from.releaseStudy(id, owner.id);
  }
}

async function readStudy(tx: Transaction, studyId: number): Promise<StudyRows> {
  const study = await tx.get<Row>('SELECT * FROM studies WHERE id = ?', [studyId]);
  if (!study) throw new NotFoundError(`no study with id ${studyId}`);
  const trials = await tx.all<Row>('SELECT * FROM trials WHERE study_id = ? ORDER BY number', [studyId]);
  const tables = {} as Record<TrialTable, Row[]>;
  for (const table of Object.keys(TRIAL_TABLES) as TrialTable[])
    tables[table] = await tx.all<Row>(`SELECT x.* FROM ${table} x JOIN trials t ON t.id = x.trial_id WHERE t.study_id = ?`, [studyId]);
  return { study, trials, tables, counts: await countRows(tx, studyId) };
}

async function writeStudies(snapshot: readonly StudyRows[], source: CheckpointBlobs, to: LocatedStore): Promise<CopiedStudy[]> {
  let written: string[] = [];
  try {
    return await to.rawTransaction('write', async (tx) => {
      written = []; // a transaction PostgreSQL runs again starts over
      const names = snapshot.map((rows) => String(rows.study.name));
      const taken = await tx.all<{ name: string }>(`SELECT name FROM studies WHERE name IN (${names.map(() => '?').join(', ')})`, names);
      if (taken.length > 0)
        throw new AlreadyExistsError(
          `${to.path} already has ${taken.length === 1 ? 'a study' : 'studies'} named ${taken.map((row) => row.name).join(', ')}: nothing was copied`,
          'migrate never overwrites a study: copy the others with --study NAME, or into another store',
          { reason: 'STUDY_EXISTS', study: taken[0]?.name ?? '', path: to.path },
        );
      const copied: CopiedStudy[] = [];
      for (const rows of snapshot) {
        copied.push(await writeStudy(tx, rows, source, to.blobs, written));
      }
      return copied;
    });
  } catch (error) {
    for (const file of written) await to.blobs.remove(file).catch(() => undefined);
    throw error;
  }
}

async function writeStudy(
  tx: Transaction,
  rows: StudyRows,
  source: CheckpointBlobs,
  target: CheckpointBlobs,
  written: string[],
): Promise<CopiedStudy> {
  const [inserted] = await insertRows(tx, 'studies', STUDY_COLUMNS, [rows.study], ['id']);
  const studyId = Number(inserted?.id);
  // Every trial goes in RUNNING, the one state in which the schema's guards let its rows (results,
  // segments) be added; each takes its own state once they are all in.
  const trials = await insertRows(
    tx,
    'trials',
    ['study_id', ...TRIAL_COLUMNS],
    rows.trials.map((trial) => ({ ...trial, study_id: studyId, state: 'RUNNING' })),
    ['id', 'number'],
  );
  const idOfNumber = new Map(trials.map((trial) => [Number(trial.number), Number(trial.id)]));
  const newId = new Map(rows.trials.map((trial) => [Number(trial.id), idOfNumber.get(Number(trial.number))]));
  const mapped = (id: unknown): number | null => (id === null || id === undefined ? null : (newId.get(Number(id)) ?? null));

  for (const table of Object.keys(TRIAL_TABLES) as TrialTable[]) {
    let tableRows: Row[] = rows.tables[table].map((row) => ({ ...row, trial_id: mapped(row.trial_id) }));
    const columns: string[] = ['trial_id', ...TRIAL_TABLES[table]];
    if (table === 'trial_results') {
      tableRows = tableRows.map((row) => ({ ...row, study_id: studyId }));
      columns.push('study_id');
    }
    if (table === 'trial_segments') tableRows = tableRows.map((row) => ({ ...row, parent_id: mapped(row.parent_id) }));
    if (table === 'trial_checkpoints') tableRows = await copyCheckpoints(tableRows, studyId, source, target, written);
    await insertRows(tx, table, columns, tableRows);
  }

  const byState = new Map<string, number[]>();
  for (const trial of rows.trials) {
    if (trial.state === 'RUNNING') continue;
    const list = byState.get(String(trial.state)) ?? [];
    list.push(mapped(trial.id) as number);
    byState.set(String(trial.state), list);
  }
  for (const [state, ids] of byState)
    for (let start = 0; start < ids.length; start += 500) {
      const batch = ids.slice(start, start + 500);
      await tx.run(`UPDATE trials SET state = ? WHERE id IN (${batch.map(() => '?').join(', ')})`, [state, ...batch]);
    }

  const counts = await countRows(tx, studyId);
  const differences = countDifferences(rows.counts, counts);
  if (differences.length > 0)
    throw new SweeperError(
      'DATA_LOSS',
      `the copy of study ${String(rows.study.name)} lost rows (${differences.join('; ')}): nothing was copied`,
    );
  return { name: String(rows.study.name), counts };
}

/** Copies each checkpoint's bytes (checked against their SHA-256 as they are read) under the new study's folder. */
async function copyCheckpoints(
  rows: readonly Row[],
  studyId: number,
  source: CheckpointBlobs,
  target: CheckpointBlobs,
  written: string[],
): Promise<Row[]> {
  const copies: Row[] = [];
  for (const row of rows) {
    const file = String(row.file);
    const renamed = file.replace(/^[^/]+\//, `${checkpointFolder(studyId)}/`);
    await target.write(renamed, await source.read(file, Number(row.bytes), String(row.sha256)));
    written.push(renamed);
    copies.push({ ...row, file: renamed });
  }
  return copies;
}
