import type { TrialPageQuery, TrialSortColumn } from '../trial-page.js';
import type { SqlDialect } from './sql-dialect.js';

export interface PageStatements {
  /** Counts the trials the filters keep. */
  readonly count: { readonly sql: string; readonly args: unknown[] };
  /** Selects the page's trial rows (`t.*`) with their `current_epoch`, sorted. */
  readonly page: { readonly sql: string; readonly args: unknown[] };
}

/**
 * The sort expression per column. `current_epoch` is TrialPageRow.currentEpoch, selected as well:
 * the last epoch recorded while a trial runs (the only case that reads trial_epochs), its final
 * epochs after.
 */
const COLUMN_SQL: Readonly<Record<TrialSortColumn, string>> = {
  number: 't.number',
  state: 't.state',
  value: 'r.value',
  current_epoch: "CASE WHEN t.state = 'RUNNING' THEN (SELECT MAX(e.epoch) FROM trial_epochs e WHERE e.trial_id = t.id) ELSE r.epochs END",
  best_epoch: 'r.best_epoch',
  train_seconds: 'r.train_seconds',
  test_accuracy: 'r.test_accuracy',
  worker: 't.worker',
};

/**
 * The SQL of one page of a study's trials. Parameter values are stored as JSON text; the
 * dialect reads them back as numbers and strings, so that 10 sorts after 9 and numbers before
 * strings. Nulls sort last in both directions, ties by trial number.
 */
export function trialPageSql(studyId: number, query: TrialPageQuery, dialect: SqlDialect): PageStatements {
  const joins: string[] = ['LEFT JOIN trial_results r ON r.trial_id = t.id'];
  const joinArgs: unknown[] = [];
  const where: string[] = ['t.study_id = ?'];
  const whereArgs: unknown[] = [studyId];

  if (query.states !== undefined) {
    if (query.states.length === 0) where.push('FALSE');
    else {
      where.push(`t.state IN (${query.states.map(() => '?').join(', ')})`);
      whereArgs.push(...query.states);
    }
  }
  const text = query.text?.trim();
  if (text) {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = (column: string): string => `${column} ${dialect.caselessLike} ? ESCAPE '\\'`;
    const columns = ['CAST(t.number AS TEXT)', 't.state', 'CAST(r.value AS TEXT)', 't.worker', 't.reason'];
    where.push(
      `(${[...columns.map(like), `EXISTS (SELECT 1 FROM trial_params p WHERE p.trial_id = t.id AND ${like('p.value')})`].join(' OR ')})`,
    );
    whereArgs.push(...columns.map(() => pattern), pattern);
  }

  let nullSql: string;
  let sortKeys: readonly string[];
  const sort = query.sort ?? 'number';
  if (sort.startsWith('param:')) {
    joins.push('LEFT JOIN trial_params s ON s.trial_id = t.id AND s.name = ?');
    joinArgs.push(sort.slice('param:'.length));
    nullSql = 's.value';
    sortKeys = dialect.jsonSortKeys('s.value');
  } else {
    nullSql = COLUMN_SQL[sort as TrialSortColumn];
    sortKeys = [nullSql];
  }
  const direction = query.descending ? 'DESC' : 'ASC';
  const from = `FROM trials t ${joins.join(' ')} WHERE ${where.join(' AND ')}`;
  return {
    // The count needs no sort join: a LEFT JOIN on a primary key keeps the row count.
    count: {
      sql: `SELECT COUNT(*) AS n FROM trials t LEFT JOIN trial_results r ON r.trial_id = t.id WHERE ${where.join(' AND ')}`,
      args: whereArgs,
    },
    page: {
      sql: `SELECT t.*, ${COLUMN_SQL.current_epoch} AS current_epoch ${from} ORDER BY (${nullSql}) IS NULL, ${sortKeys.map((key) => `${key} ${direction}`).join(', ')}, t.number ASC LIMIT ? OFFSET ?`,
      args: [...joinArgs, ...whereArgs, query.limit, query.offset],
    },
  };
}
