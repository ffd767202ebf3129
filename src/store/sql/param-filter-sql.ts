import { isValueList, PARAM_COMPARISONS, type ParamFilter } from '../records.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * The SQL that keeps the trials (alias `t`) a filter keeps. Values are compared as the JSON text
 * they are stored as, so an index on trial_params (name, value) serves the comparison; bounds
 * compare the number read from that text (a categorical parameter's strings pass none).
 */
export function paramFilterSql(where: ParamFilter | undefined, dialect: SqlDialect): { sql: string; args: (string | number)[] } {
  let sql = '';
  const args: (string | number)[] = [];
  for (const [name, condition] of Object.entries(where ?? {})) {
    if (isValueList(condition)) {
      if (condition.length === 0) return { sql: ' AND FALSE', args: [] };
      sql += ` AND EXISTS (SELECT 1 FROM trial_params p WHERE p.trial_id = t.id AND p.name = ? AND p.value IN (${condition.map(() => '?').join(', ')}))`;
      args.push(name, ...condition.map((value) => JSON.stringify(value)));
      continue;
    }
    const bounds = PARAM_COMPARISONS.filter((op) => condition[op] !== undefined);
    const number = dialect.jsonNumber('p.value');
    sql += ` AND EXISTS (SELECT 1 FROM trial_params p WHERE p.trial_id = t.id AND p.name = ? AND ${number} IS NOT NULL${bounds.map((op) => ` AND ${number} ${op} ?`).join('')})`;
    args.push(name, ...bounds.map((op) => condition[op] as number));
  }
  return { sql, args };
}
