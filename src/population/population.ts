import type { Direction } from '../core/direction.js';
import type { Rng } from '../random/rng.js';
import type { ParamValues, SearchSpaceDefinition } from '../space/param-spec.js';
import { explore } from './explore.js';
import type { PbtSettings } from './pbt-settings.js';

/** What a member does at a decision point. */
export type PbtDecision =
  | { readonly kind: 'continue' }
  /** Copy `from`'s state (its latest checkpoint), and go on with `params`. */
  | { readonly kind: 'exploit'; readonly from: number; readonly params: ParamValues };

interface MemberState {
  params: ParamValues;
  /** The objective at the member's last decision point. */
  score?: number;
}

/**
 * The population of a PBT run and its asynchronous decisions (Ray Tune's, synch=False): each
 * member, at every `interval` epochs, is ranked among the members by their latest scores; one in
 * the bottom quantile copies a member of the top quantile chosen at random (exploit) and
 * perturbs or redraws its parameters (explore); the others go on as they are.
 */
export class Population {
  private readonly members = new Map<number, MemberState>();

  constructor(
    private readonly settings: PbtSettings,
    private readonly space: SearchSpaceDefinition,
    private readonly direction: Direction,
    private readonly rng: Rng,
  ) {}

  join(member: number, params: ParamValues): void {
    this.members.set(member, { params });
  }

  paramsOf(member: number): ParamValues | undefined {
    return this.members.get(member)?.params;
  }

  /** `member` reached a decision point (an epoch that is a multiple of `interval`) with `score`. */
  decide(member: number, score: number): PbtDecision {
    const state = this.members.get(member);
    if (!state) throw new Error(`member ${member} is not in the population`);
    state.score = score;
    // Worst first; among equal scores the deciding member counts as the worse, so that members
    // tied at the bottom (a population that starts alike) still exploit and explore.
    const sign = this.direction === 'maximize' ? 1 : -1;
    const ranked = [...this.members.entries()]
      .filter(([, m]) => m.score !== undefined && Number.isFinite(m.score))
      .sort(([idA, a], [idB, b]) => sign * ((a.score as number) - (b.score as number)) || (idA === member ? -1 : idB === member ? 1 : 0));
    // Ray: ceil(n * quantile), and never more than half, so the quantiles never overlap.
    let size = Math.ceil(ranked.length * this.settings.quantile);
    if (size > ranked.length / 2) size = Math.floor(ranked.length / 2);
    const bottom = ranked.slice(0, size).map(([id]) => id);
    const top = ranked.slice(ranked.length - size).map(([id]) => id);
    if (size === 0 || !bottom.includes(member)) return { kind: 'continue' };
    const from = top[this.rng.int(0, top.length - 1)] as number;
    const source = this.members.get(from) as MemberState;
    const params = explore(source.params, this.space, this.settings, this.rng);
    state.params = params;
    state.score = source.score;
    return { kind: 'exploit', from, params };
  }
}
