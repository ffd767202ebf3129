import type { Transaction } from '../sql/sql-transaction.js';
import type { Row } from './study-tables.js';

/**
 * Rows per INSERT: one round trip to a database server per few hundred rows instead of one per
 * row, and far below the bound on a statement's parameters (32,766 in SQLite, 65,535 in PostgreSQL).
 */
const BATCH = 500;

/** Inserts rows in batches; with `returning`, the inserted rows' values of those columns. */
export async function insertRows(
  tx: Transaction,
  table: string,
  columns: readonly string[],
  rows: readonly Row[],
  returning?: readonly string[],
): Promise<Row[]> {
  const returned: Row[] = [];
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const sql =
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}` +
      (returning ? ` RETURNING ${returning.join(', ')}` : '');
    const args = batch.flatMap((row) => columns.map((column) => row[column] ?? null));
    if (returning) returned.push(...(await tx.all<Row>(sql, args)));
    else await tx.run(sql, args);
  }
  return returned;
}
