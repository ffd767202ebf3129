/**
 * Which way a study's objective goes, and every comparison that depends on it: the rest of the
 * code asks these functions instead of testing the direction itself, so ties and NaN are
 * treated alike everywhere.
 */
export const DIRECTIONS = ['maximize', 'minimize'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Whether `a` is strictly better than `b`; NaN is worse than any number. */
export function isBetter(a: number, b: number, direction: Direction): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return direction === 'maximize' ? a > b : a < b;
}

/** Whether `a` is better than `b` or equal to it; false when either is NaN. */
export function isAtLeastAsGood(a: number, b: number, direction: Direction): boolean {
  return direction === 'maximize' ? a >= b : a <= b;
}

/** A sort comparator that puts the best value first; 0 for a tie, which callers may break. */
export function compareBestFirst(a: number, b: number, direction: Direction): number {
  return direction === 'maximize' ? b - a : a - b;
}

/** 1 when minimizing, -1 when maximizing: `lossSign(direction) * value` is lower the better `value` is. */
export function lossSign(direction: Direction): 1 | -1 {
  return direction === 'maximize' ? -1 : 1;
}

/** The value that every number beats or ties: -Infinity when maximizing, +Infinity when minimizing. */
export function worstValue(direction: Direction): number {
  return direction === 'maximize' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/**
 * The percentile, counted from the lowest value, that leaves `percentile` percent of the values
 * on the better side: `percentile` itself when minimizing, its complement when maximizing.
 */
export function percentileFromLowest(percentile: number, direction: Direction): number {
  return direction === 'maximize' ? 100 - percentile : percentile;
}

/** How a bound that a value has to reach reads: "at least" when maximizing, "at most" when minimizing. */
export function boundWording(direction: Direction): 'at least' | 'at most' {
  return direction === 'maximize' ? 'at least' : 'at most';
}

/** The SQL `ORDER BY` direction that puts the best value first. */
export function sqlOrder(direction: Direction): 'DESC' | 'ASC' {
  return direction === 'maximize' ? 'DESC' : 'ASC';
}

/** The SQL aggregate that picks the best value. */
export function sqlBest(direction: Direction): 'MAX' | 'MIN' {
  return direction === 'maximize' ? 'MAX' : 'MIN';
}
