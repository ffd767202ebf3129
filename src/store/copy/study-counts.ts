import type { Transaction } from '../sql/sql-transaction.js';
import { TRIAL_TABLES, type TrialTable } from './study-tables.js';

/** How many rows a study has in each table of its trials: what a copy must keep. */
export type StudyCounts = Readonly<Record<'trials' | TrialTable, number>>;

export async function countRows(tx: Transaction, studyId: number): Promise<StudyCounts> {
  const tables = Object.keys(TRIAL_TABLES) as TrialTable[];
  const sql =
    'SELECT (SELECT COUNT(*) FROM trials WHERE study_id = ?) AS trials, ' +
    tables.map((table) => `(SELECT COUNT(*) FROM ${table} JOIN trials t ON t.id = trial_id WHERE t.study_id = ?) AS ${table}`).join(', ');
  const row = await tx.get<Record<string, number | string>>(
    sql,
    Array.from({ length: tables.length + 1 }, () => studyId),
  );
  // COUNT(*) is a bigint in PostgreSQL, which the driver gives as text unless told otherwise.
  return Object.fromEntries(Object.entries(row ?? {}).map(([key, value]) => [key, Number(value)])) as StudyCounts;
}

/** The tables whose counts differ, as "table: source -> copy". */
export function countDifferences(source: StudyCounts, copy: StudyCounts): string[] {
  return (Object.keys(source) as (keyof StudyCounts)[])
    .filter((key) => source[key] !== copy[key])
    .map((key) => `${key}: ${source[key]} -> ${copy[key]}`);
}
