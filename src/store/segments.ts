import type { ParamValues } from '../space/param-spec.js';

/**
 * A stretch of a Population Based Training member's training: its epochs from `fromEpoch` on
 * (until its next segment), trained with `params`. A member's first segment is the trial's own
 * parameters from epoch 1; the store keeps the ones PBT decided after.
 */
export interface SegmentRecord {
  /** The member: a trial's number. */
  readonly trial: number;
  readonly fromEpoch: number;
  readonly params: ParamValues;
  /** The member whose checkpoint after epoch `fromEpoch - 1` it went on from (exploit); absent: its own. */
  readonly parent?: number;
}

/** A segment PBT decided for a member that runs, as `startSegments` records it. */
export interface NewSegment {
  readonly trialId: number;
  /** The member's attempt: the segment is refused (StaleAttemptError) when it is not the current one. */
  readonly attempt: number;
  readonly fromEpoch: number;
  readonly params: ParamValues;
  /** The trial (id) whose latest checkpoint, which must be of epoch `fromEpoch - 1`, the member goes on from. */
  readonly parentId?: number;
}

/** One step of a member's hyperparameter schedule: the epochs it trained with `params`. */
export interface ScheduleStep {
  readonly fromEpoch: number;
  /** Its last epoch; absent for the last step of a member that has not ended. */
  readonly toEpoch?: number;
  readonly params: ParamValues;
  /** The member whose state it went on from at `fromEpoch` (exploit); absent: its own. */
  readonly parent?: number;
}

/**
 * A PBT member's schedule as a reader wants it: its own parameters from epoch 1, then each
 * recorded segment that changed something (a copied state or a parameter). Empty for a trial PBT
 * never decided for.
 */
export function memberSchedule(
  trial: { readonly number: number; readonly params: ParamValues; readonly result?: { readonly epochs: number } },
  segments: readonly SegmentRecord[],
): ScheduleStep[] {
  const own = segments.filter((segment) => segment.trial === trial.number).sort((a, b) => a.fromEpoch - b.fromEpoch);
  if (own.length === 0) return [];
  const steps: { fromEpoch: number; params: ParamValues; parent?: number }[] = [{ fromEpoch: 1, params: trial.params }];
  for (const segment of own) {
    const previous = steps.at(-1) as { params: ParamValues };
    if (segment.parent === undefined && sameParams(previous.params, segment.params)) continue;
    steps.push({ fromEpoch: segment.fromEpoch, params: segment.params, ...(segment.parent !== undefined && { parent: segment.parent }) });
  }
  return steps.map((step, index) => {
    const next = steps[index + 1];
    const toEpoch = next ? next.fromEpoch - 1 : trial.result?.epochs;
    return { ...step, ...(toEpoch !== undefined && { toEpoch }) };
  });
}

function sameParams(a: ParamValues, b: ParamValues): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

/**
 * The trials with the parameters each ended with (its last segment's): what produced a PBT
 * member's model. Trials PBT never decided for keep their own.
 */
export function withFinalParams<T extends { readonly number: number; readonly params: ParamValues }>(
  trials: readonly T[],
  segments: readonly SegmentRecord[],
): T[] {
  const last = new Map<number, SegmentRecord>();
  for (const segment of segments) {
    const seen = last.get(segment.trial);
    if (!seen || segment.fromEpoch > seen.fromEpoch) last.set(segment.trial, segment);
  }
  return trials.map((trial) => {
    const segment = last.get(trial.number);
    return segment ? { ...trial, params: segment.params } : trial;
  });
}
