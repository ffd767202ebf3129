import { deriveSeed } from '../random/derive-seed.js';

/**
 * Hyperband's number of brackets, floor(log_reductionFactor(maxResource / minResource)) + 1,
 * computed in floating point as Optuna does, so that the count agrees with Optuna's wherever
 * V8's and the C library's logarithms round alike (everywhere but ratios such as 243 with factor 3).
 */
export function countBrackets(minResource: number, maxResource: number, reductionFactor: number): number {
  return Math.floor(Math.log(maxResource / minResource) / Math.log(reductionFactor)) + 1;
}

/**
 * Each bracket's share of trials (Optuna's _calculate_trial_allocation_budget): Hyperband's n for
 * bracket s, ceil(nBrackets * reductionFactor^s / (s + 1)), where s counts down from the most
 * aggressive bracket, so bracket 0, which prunes earliest, gets the most trials.
 */
export function bracketBudgets(nBrackets: number, reductionFactor: number): number[] {
  return Array.from({ length: nBrackets }, (_, bracket) => {
    const s = nBrackets - 1 - bracket;
    return Math.ceil((nBrackets * reductionFactor ** s) / (s + 1));
  });
}

/**
 * The bracket of a trial: a hash of its number falls into one of the budget-weighted slots.
 * Optuna hashes "<study name>_<number>" with crc32; a seed mix of the number alone is as uniform and
 * keeps a study's brackets independent of its name, so a renamed or copied study prunes alike.
 */
export function bracketOf(trialNumber: number, budgets: readonly number[]): number {
  const total = budgets.reduce((sum, budget) => sum + budget, 0);
  let slot = deriveSeed(0, trialNumber) % total;
  for (const [bracket, budget] of budgets.entries()) {
    slot -= budget;
    if (slot < 0) return bracket;
  }
  throw new RangeError(`budgets must be positive, but got ${budgets.join(', ')}`);
}
