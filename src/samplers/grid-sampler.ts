import { Rng } from '../random/rng.js';
import type { ParamValues } from '../space/param-spec.js';
import type { SearchSpace } from '../space/search-space.js';
import { gridKey, gridPoints } from './grid-points.js';
import type { Sampler, SamplerContext } from './sampler.js';

interface Grid {
  readonly space: SearchSpace;
  /** Points in the seeded shuffled order they are handed out in. */
  readonly points: readonly ParamValues[];
  readonly keys: readonly string[];
}

/**
 * Grid search: every point of the Cartesian product once, in a seeded shuffled order (so that
 * a grid stopped half-way has covered the space evenly, not one corner). A point counts as
 * taken once any trial has it, whatever that trial's state, so a resumed sweep never repeats
 * a finished point; when every point is taken there is nothing more to suggest.
 */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  private grid: Grid | undefined;
  private readonly taken = new Map<number, string>();

  constructor(private readonly seed: number) {}

  suggest({ space, trials }: SamplerContext): ParamValues | undefined {
    const grid = this.gridFor(space);
    for (const trial of trials) {
      if (!this.taken.has(trial.number)) this.taken.set(trial.number, gridKey(space, trial.params));
    }
    const takenKeys = new Set(this.taken.values());
    const index = grid.keys.findIndex((key) => !takenKeys.has(key));
    return index < 0 ? undefined : grid.points[index];
  }

  private gridFor(space: SearchSpace): Grid {
    if (this.grid?.space !== space) {
      const points = gridPoints(space);
      const order = new Rng(this.seed).permutation(points.length);
      const shuffled = Array.from(order, (i) => points[i] as ParamValues);
      this.grid = { space, points: shuffled, keys: shuffled.map((point) => gridKey(space, point)) };
      this.taken.clear();
    }
    return this.grid;
  }
}
