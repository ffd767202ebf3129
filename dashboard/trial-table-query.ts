import { InvalidArgumentError } from '../src/errors/invalid-argument-error.js';
import type { SearchSpaceDefinition } from '../src/space/param-spec.js';
import { TRIAL_STATES, type TrialState } from '../src/core/trial-state.js';
import { TRIAL_SORT_COLUMNS, isTrialSortKey, type TrialPageQuery } from '../src/store/trial-page.js';

export const DEFAULT_TABLE_ROWS = 100;
export const MAX_TABLE_ROWS = 1000;

/**
 * The trials table's query string (`/api/studies/NAME?sort=value&order=desc&state=COMPLETE&q=adam&offset=100&limit=100`)
 * as a page query, each field checked: a wrong one is an InvalidArgumentError naming it.
 */
export function trialTableQuery(search: URLSearchParams, space: SearchSpaceDefinition): TrialPageQuery {
  const sort = search.get('sort') ?? 'number';
  if (!isTrialSortKey(sort) || (sort.startsWith('param:') && !(sort.slice('param:'.length) in space))) {
    const params = Object.keys(space).map((name) => `param:${name}`);
    throw new InvalidArgumentError(`sort: must be one of ${[...TRIAL_SORT_COLUMNS, ...params].join(', ')}, but got "${sort}"`);
  }
  const order = search.get('order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new InvalidArgumentError(`order: must be asc or desc, but got "${order}"`);
  const state = search.get('state') ?? '';
  if (state !== '' && !(TRIAL_STATES as readonly string[]).includes(state))
    throw new InvalidArgumentError(`state: must be one of ${TRIAL_STATES.join(', ')}, but got "${state}"`);
  return {
    sort,
    descending: order === 'desc',
    ...(state !== '' && { states: [state as TrialState] }),
    ...(search.get('q') && { text: search.get('q') as string }),
    offset: count(search, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
    limit: count(search, 'limit', DEFAULT_TABLE_ROWS, 1, MAX_TABLE_ROWS),
  };
}

function count(search: URLSearchParams, name: string, fallback: number, low: number, high: number): number {
  const text = search.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < low || value > high)
    throw new InvalidArgumentError(`${name}: must be an integer from ${low} to ${high}, but got "${text}"`);
  return value;
}
