import type { SearchSpace } from '../../space/search-space.js';

/**
 * The groups of parameters modelled jointly. Parameters with the same condition appear in the
 * same trials, so a group can be fitted on the trials that have it (Optuna's group
 * decomposition, known here from the space instead of inferred from the history). Groups come
 * in the space's order, parents first. Univariate TPE models every parameter alone.
 */
export function paramGroups(space: SearchSpace, multivariate: boolean): string[][] {
  if (!multivariate) return space.order.map((name) => [name]);
  const groups = new Map<string, string[]>();
  for (const name of space.order) {
    const key = conditionKey(space, name);
    const group = groups.get(key);
    if (group) group.push(name);
    else groups.set(key, [name]);
  }
  return [...groups.values()];
}

function conditionKey(space: SearchSpace, name: string): string {
  const when = space.param(name).when;
  if (!when) return '';
  const entries = Object.entries(when).map(([parent, values]) => [parent, values.map((value) => JSON.stringify(value)).sort()] as const);
  return JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
