import type { Direction } from '../core/direction.js';
import type { Rng } from '../random/rng.js';
import type { ParamValues, SearchSpaceDefinition } from '../space/param-spec.js';
import { explore } from './explore.js';
import type { PbtSettings } from './pbt-settings.js';

/** A member of the population at a decision point: its parameters and its objective there. */
export interface Member {
  readonly id: number;
  readonly params: ParamValues;
  /** The objective after the member's last epoch; not finite (lost, diverged) ranks it last. */
  readonly score: number;
}

/** What a member does at a decision point. */
export type PbtDecision =
  | { readonly kind: 'continue' }
  /** Go on from `from`'s state (its checkpoint at this point), with `params`. */
  | { readonly kind: 'exploit'; readonly from: number; readonly params: ParamValues };

/**
 * One decision point of Population Based Training for the whole population (Ray Tune's
 * PopulationBasedTraining with synch=True): the members are ranked by score; each one in the
 * bottom quantile copies a member of the top quantile chosen at random (exploit) and perturbs or
 * redraws its parameters (explore); the others go on as they are. Ray's quantile: ceil(n x
 * quantile), never more than half, so the two never overlap. Members are taken in id order
 * among equal scores, and every draw comes from `rng`: the same inputs give the same decisions,
 * which is what lets a restarted coordinator decide a point again and get what it wrote.
 */
export function decideGeneration(
  members: readonly Member[],
  settings: Pick<PbtSettings, 'quantile' | 'resampleProbability' | 'perturbationFactors'>,
  space: SearchSpaceDefinition,
  direction: Direction,
  rng: Rng,
): Map<number, PbtDecision> {
  const sign = direction === 'maximize' ? 1 : -1;
  // Worst first; a score that is not a number is the worst of all.
  const key = (member: Member): number => (Number.isFinite(member.score) ? sign * member.score : -Infinity);
  const ranked = [...members].sort((a, b) => key(a) - key(b) || a.id - b.id);
  let size = Math.ceil(ranked.length * settings.quantile);
  if (size > ranked.length / 2) size = Math.floor(ranked.length / 2);
  const bottom = new Set(ranked.slice(0, size).map((member) => member.id));
  const top = ranked.slice(ranked.length - size).filter((member) => Number.isFinite(member.score));
  const decisions = new Map<number, PbtDecision>();
  for (const member of [...members].sort((a, b) => a.id - b.id)) {
    if (!bottom.has(member.id) || top.length === 0) {
      decisions.set(member.id, { kind: 'continue' });
      continue;
    }
    const source = top[rng.int(0, top.length - 1)] as Member;
    decisions.set(member.id, { kind: 'exploit', from: source.id, params: explore(source.params, space, settings, rng) });
  }
  return decisions;
}
