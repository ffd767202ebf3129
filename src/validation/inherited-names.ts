import type { PathProblem } from '../errors/path-problem.js';

/**
 * Names every JavaScript object already has. As a key of user input, `__proto__` is dropped by
 * the validation that copies the object (the parameter silently vanishes from the space), and the
 * others are found on objects that lack them (`space.constructor` is `Object`), so a name that is
 * not there reads as one that is.
 */
export const INHERITED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Every mapping key in parsed input (a sweep file as YAML or JSON, API options) that is an
 * inherited name, with its path. Run before the schema, which would drop or misread it.
 */
export function inheritedNameProblems(input: unknown): PathProblem[] {
  const problems: PathProblem[] = [];
  // Aliases make a parsed document share objects (and even cycles): each is looked at once.
  const seen = new WeakSet<object>();
  const visit = (value: unknown, path: readonly (string | number)[]): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    for (const key of Object.keys(value)) {
      if (INHERITED_NAMES.has(key)) {
        problems.push({
          path: [...path, key],
          message: `cannot be used as a name: every JavaScript object already has "${key}" (from Object.prototype), so it would be dropped or misread`,
        });
      } else visit((value as Record<string, unknown>)[key], [...path, key]);
    }
  };
  visit(input, []);
  return problems;
}
