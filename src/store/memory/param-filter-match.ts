import type { ParamValues } from '../../space/param-spec.js';
import { isValueList, PARAM_COMPARISONS, type ParamFilter } from '../records.js';

/**
 * Whether a trial's parameters pass a filter, as the SQLite store's query decides: values are
 * compared as JSON text (so `2` is not `"2"`, and `true` is not `"true"`), bounds hold only for
 * numbers, and a trial without the parameter passes no condition on it.
 */
export function matchesFilter(params: ParamValues, where: ParamFilter | undefined): boolean {
  for (const [name, condition] of Object.entries(where ?? {})) {
    const value = params[name];
    if (value === undefined) return false;
    if (isValueList(condition)) {
      const text = JSON.stringify(value);
      if (!condition.some((listed) => JSON.stringify(listed) === text)) return false;
      continue;
    }
    if (typeof value !== 'number') return false;
    for (const op of PARAM_COMPARISONS) {
      const bound = condition[op];
      if (bound === undefined) continue;
      const holds = op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : value >= bound;
      if (!holds) return false;
    }
  }
  return true;
}
