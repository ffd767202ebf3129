import type { RepeatResult, TrialResult } from '../store/records.js';

/**
 * A trial's result from its repeats, as the reference reports give them: mean +- sample standard
 * deviation (n - 1). The best epoch and epochs come from the repeat closest to the mean, so
 * that they describe a run that really happened.
 */
export function aggregateRepeats(repeats: readonly RepeatResult[]): TrialResult {
  if (repeats.length === 0) throw new RangeError('a trial result needs at least one repeat');
  const n = repeats.length;
  const mean = repeats.reduce((sum, r) => sum + r.value, 0) / n;
  const variance = n > 1 ? repeats.reduce((sum, r) => sum + (r.value - mean) ** 2, 0) / (n - 1) : undefined;
  const representative = repeats.reduce((best, r) => (Math.abs(r.value - mean) < Math.abs(best.value - mean) ? r : best));
  const tested = repeats.flatMap((r) => (r.test ? [r.test.accuracy] : []));
  return {
    value: mean,
    ...(variance !== undefined && { valueStd: Math.sqrt(variance) }),
    repeats: n,
    epochs: Math.max(...repeats.map((r) => r.epochs)),
    bestEpoch: representative.bestEpoch,
    trainSeconds: repeats.reduce((sum, r) => sum + r.trainSeconds, 0) / n,
    ...(tested.length > 0 && { testAccuracy: tested.reduce((sum, a) => sum + a, 0) / tested.length }),
  };
}
