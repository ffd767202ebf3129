import { deriveSeed } from '../../random/derive-seed.js';
import { Rng } from '../../random/rng.js';
import type { ParamValue, ParamValues } from '../../space/param-spec.js';
import type { SearchSpace } from '../../space/search-space.js';
import { RandomSampler } from '../random-sampler.js';
import type { Sampler, SamplerContext, TrialSnapshot } from '../sampler.js';
import type { TpeSamplerSpec } from '../sampler-spec.js';
import { BoxedDensity } from './boxed-density.js';
import { sortedCategoricalLogPdf } from './categorical-kernel.js';
import { AboveColumn, type SortedObservations, type SortedSides } from './above-column.js';
import { ABOVE, ObservationRanking, type ObservationSplit } from './observation-split.js';
import { paramGroups } from './param-groups.js';
import { ParzenEstimator, type ParzenOptions } from './parzen-estimator.js';
import { defaultGamma } from './parzen-weights.js';
import { tpeDimension, type TpeDimension } from './tpe-dimension.js';

/** What the sampler derives from a space once, instead of on every suggestion. */
interface SpaceLayout {
  readonly space: SearchSpace;
  readonly dimensions: ReadonlyMap<string, TpeDimension>;
  /** Column of each parameter in an encoded trial. */
  readonly columns: ReadonlyMap<string, number>;
  readonly groups: readonly (readonly string[])[];
}

/** A side of the split, as ObservationSplit names its trial numbers. */
type Side = 'below' | 'above';

/** A trial's parameters in internal coordinates, one column per parameter, NaN where absent. */
interface EncodedTrial {
  readonly params: ParamValues;
  readonly vector: Float64Array;
}

/**
 * The Tree-structured Parzen Estimator, after Optuna's TPESampler: the first trials are drawn
 * at random; after that the finished trials are split into the best gamma(n) and the rest, a
 * Parzen estimator is fitted to each, and of n_ei_candidates draws from the good one l(x) the
 * one with the highest l(x) / g(x) wins.
 *
 * Parallel-aware: with the constant liar, running and queued trials join g(x) as the worst
 * results, so parallel asks are pushed away from points already being tried. Deterministic:
 * a suggestion depends only on the seed, the trial number and the history.
 * Incremental: trials are encoded once, re-ranked only when their outcome changes, and each
 * numeric parameter's values are kept sorted as trials arrive; a suggestion costs two
 * estimators per group, with no sort of the history. With many trials, g(x) of a numeric
 * parameter comes from moments kept between suggestions (BoxedDensity) instead of an
 * estimator over every trial.
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  private readonly random: RandomSampler;
  private readonly parzen: ParzenOptions;
  private layout: SpaceLayout | undefined;
  /** By trial number (dense from 0). */
  private readonly encoded: (EncodedTrial | undefined)[] = [];
  /** g(x) of each numeric parameter, kept between suggestions (BoxedDensity), by column. */
  private boxed: (BoxedDensity | undefined)[] = [];
  /** By column: the observations above the split, kept sorted (univariate mode). */
  private above: AboveColumn[] = [];
  /** The layout or the ranking was made since the last suggestion: every trial goes in again. */
  private fresh = true;
  /** By trial number: the snapshot of the last suggestion. */
  private readonly seen: (TrialSnapshot | undefined)[] = [];
  private ranking: { direction: string; ranking: ObservationRanking } | undefined;

  /**
   * `keptDensities: false` computes every g(x) from an estimator over the observations, as
   * before the kept densities (BoxedDensity, sortedCategoricalLogPdf): for benchmarks that
   * check both ways suggest the same points (bench:tpe-speed --study).
   */
  constructor(
    private readonly spec: TpeSamplerSpec,
    private readonly tuning: { readonly keptDensities: boolean } = { keptDensities: true },
  ) {
    this.random = new RandomSampler(spec.seed);
    this.parzen = {
      priorWeight: spec.priorWeight,
      considerMagicClip: spec.considerMagicClip,
      considerEndpoints: spec.considerEndpoints,
      multivariate: spec.multivariate,
      weighByBandwidth: spec.weighByBandwidth,
    };
  }

  suggest(context: SamplerContext): ParamValues {
    const { trials, direction, trialNumber } = context;
    const layout = this.layoutFor(context.space);
    if (this.ranking?.direction !== direction) {
      this.ranking = { direction, ranking: new ObservationRanking(direction, this.spec.constantLiar) };
      this.fresh = true;
    }
    // One pass over the history: the trials new or changed since the last suggestion (the
    // study hands over the same snapshot until a trial changes), or all of them afresh.
    const changed = this.changedTrials(trials);
    const seen = this.fresh ? trials : changed;
    const split = this.ranking.ranking.split(seen, defaultGamma);
    const reencoded = this.encodeAll(layout, seen);
    this.updateColumns(split, this.fresh ? trials.map((trial) => trial.number) : [...split.changed, ...reencoded]);
    this.fresh = false;
    if (split.finished < this.spec.nStartupTrials) return this.random.suggest(context);

    const byNumber = this.encoded;
    // The encoded rows of each side, looked up once for all groups that need them (those not sorted).
    const vectorsOf = (numbers: readonly number[]): Float64Array[] => {
      const vectors = new Array<Float64Array>(numbers.length);
      for (let k = 0; k < numbers.length; k++) vectors[k] = (byNumber[numbers[k] ?? NaN] as EncodedTrial).vector;
      return vectors;
    };
    const gathered: Partial<Record<Side, Float64Array[]>> = {};
    const rows = (side: Side): Float64Array[] => (gathered[side] ??= vectorsOf(split[side]));
    const rng = new Rng(deriveSeed(this.spec.seed, trialNumber));
    const params: Record<string, ParamValue> = {};
    for (const group of layout.groups) {
      if (!layout.space.isActive(group[0] as string, params)) continue;
      const sorted =
        group.length === 1 && !this.spec.multivariate ? this.sortedObservations(layout, group[0] as string, split.below) : undefined;
      Object.assign(params, this.sampleGroup(layout, group, rows, rng, sorted));
    }
    return params;
  }

  /**
   * One parameter's observations on each side (the trials that have it), in ascending order
   * (a categorical's by choice) with their places in trial order: the few below gathered now,
   * the many above from their kept column.
   */
  private sortedObservations(layout: SpaceLayout, name: string, below: readonly number[]): SortedSides {
    const column = columnOf(layout, name);
    const members: number[] = [];
    for (const number of below) if (!Number.isNaN(this.valueAt(number, column))) members.push(number);
    const byValue = members
      .map((_, rank) => rank)
      .sort((a, b) => this.valueAt(members[a] ?? 0, column) - this.valueAt(members[b] ?? 0, column) || a - b);
    const sortedBelow: SortedObservations = {
      values: Float64Array.from(byValue, (rank) => this.valueAt(members[rank] ?? 0, column)),
      ranks: Int32Array.from(byValue),
    };
    return { below: sortedBelow, above: (this.above[column] as AboveColumn).sorted() };
  }

  /** Trial `number`'s encoded value in `column` (NaN where it lacks the parameter). */
  private valueAt(number: number, column: number): number {
    return this.encoded[number]?.vector[column] ?? NaN;
  }

  /** Brings every column's observations above the split up to date with the trials in `changed` (side or row). */
  private updateColumns(split: ObservationSplit, changed: readonly number[]): void {
    if (this.spec.multivariate) return;
    this.above.forEach((column, c) => column.update(changed, (number) => (split.sideOf(number) === ABOVE ? this.valueAt(number, c) : NaN)));
  }

  private sampleGroup(
    layout: SpaceLayout,
    group: readonly string[],
    rows: (side: Side) => Float64Array[],
    rng: Rng,
    sorted?: SortedSides,
  ): Record<string, ParamValue> {
    const dimensions = group.map((name) => layout.dimensions.get(name) as TpeDimension);
    const columns = group.map((name) => columnOf(layout, name));
    const [first] = dimensions;
    // A lone categorical draws from its rows in trial order (the sorted ones would draw another stream).
    const good =
      sorted && first?.kind === 'numeric'
        ? new ParzenEstimator(dimensions, [sorted.below.values], this.parzen, sorted.below.ranks)
        : new ParzenEstimator(dimensions, observations(rows('below'), columns), this.parzen);
    const size = this.spec.nEiCandidates;
    const candidates = good.sample(rng, size);
    // Score each candidate at the value it would really take (rounded to its grid or integer).
    dimensions.forEach((dimension, d) => {
      if (dimension.kind === 'categorical') return;
      const values = candidates[d] as Float64Array;
      for (let i = 0; i < size; i++) values[i] = dimension.toInternal(dimension.toExternal(values[i] ?? NaN));
    });
    const logGood = good.logPdf(candidates, size);
    const logBad = this.logBad(layout, group, dimensions, columns, rows, candidates, size, sorted);
    let best = 0;
    for (let i = 1; i < size; i++) {
      if ((logGood[i] ?? NaN) - (logBad[i] ?? NaN) > (logGood[best] ?? NaN) - (logBad[best] ?? NaN)) best = i;
    }
    const params: Record<string, ParamValue> = {};
    dimensions.forEach((dimension, d) => {
      const value = candidates[d]?.[best] ?? NaN;
      params[dimension.name] = dimension.kind === 'categorical' ? (dimension.choices[value] as ParamValue) : dimension.toExternal(value);
    });
    return params;
  }

  /**
   * log g(x) at the candidates. A lone parameter's comes from its sorted observations: a
   * categorical's sums the weights of each choice; a numeric one's from the kept boxes when
   * they apply (many trials), else from an estimator over them. A group's, from an estimator
   * over the rows of the trials above.
   */
  private logBad(
    layout: SpaceLayout,
    group: readonly string[],
    dimensions: readonly TpeDimension[],
    columns: readonly number[],
    rows: (side: Side) => Float64Array[],
    candidates: Float64Array[],
    size: number,
    sorted?: SortedSides,
  ): Float64Array {
    const [first] = dimensions;
    if (!sorted || !first || (!this.tuning.keptDensities && first.kind === 'categorical'))
      return new ParzenEstimator(dimensions, observations(rows('above'), columns), this.parzen).logPdf(candidates, size);
    const values = candidates[0] as Float64Array;
    const { above } = sorted;
    if (first.kind === 'categorical') return sortedCategoricalLogPdf(first, above, this.parzen.priorWeight, values, size);
    return (
      this.boxedDensity(layout, group[0] as string)?.logPdf(this.above[columns[0] ?? 0] as AboveColumn, values, size) ??
      new ParzenEstimator(dimensions, [above.values], this.parzen, above.ranks).logPdf(candidates, size)
    );
  }

  /** The kept density of g(x) for a lone numeric parameter; undefined for a categorical one. */
  private boxedDensity(layout: SpaceLayout, name: string): BoxedDensity | undefined {
    const dimension = layout.dimensions.get(name);
    if (dimension?.kind !== 'numeric' || !this.tuning.keptDensities) return undefined;
    const column = columnOf(layout, name);
    return (this.boxed[column] ??= new BoxedDensity(dimension, this.parzen));
  }

  private layoutFor(space: SearchSpace): SpaceLayout {
    if (this.layout?.space !== space) {
      this.encoded.length = 0;
      this.boxed = [];
      this.above = space.names.map(() => new AboveColumn());
      this.fresh = true;
      this.layout = {
        space,
        dimensions: new Map(space.names.map((name) => [name, tpeDimension(name, space.param(name))])),
        columns: new Map(space.names.map((name, column) => [name, column])),
        groups: paramGroups(space, this.spec.multivariate),
      };
    }
    return this.layout;
  }

  /** The trials whose snapshot is not the one seen last time (new, or changed). */
  private changedTrials(trials: readonly TrialSnapshot[]): TrialSnapshot[] {
    const changed: TrialSnapshot[] = [];
    for (const trial of trials) {
      if (this.seen[trial.number] === trial) continue;
      this.seen[trial.number] = trial;
      changed.push(trial);
    }
    return changed;
  }

  /** Encodes those of `trials` new or changed since they were last encoded; returns their numbers. */
  private encodeAll(layout: SpaceLayout, trials: readonly TrialSnapshot[]): number[] {
    const changed: number[] = [];
    for (const trial of trials) {
      const known = this.encoded[trial.number];
      if (known?.params === trial.params) continue;
      this.encoded[trial.number] = { params: trial.params, vector: encode(layout, trial.params) };
      changed.push(trial.number);
    }
    return changed;
  }
}

/** A parameter's column; every name a group or a split holds is in the layout. */
function columnOf(layout: SpaceLayout, name: string): number {
  const column = layout.columns.get(name);
  if (column === undefined) throw new RangeError(`no column for the parameter ${name} in the TPE layout`);
  return column;
}

function encode(layout: SpaceLayout, params: ParamValues): Float64Array {
  const vector = new Float64Array(layout.columns.size).fill(Number.NaN);
  for (const [name, value] of Object.entries(params)) {
    const column = layout.columns.get(name);
    const dimension = layout.dimensions.get(name);
    if (column === undefined || dimension === undefined) continue;
    if (dimension.kind === 'categorical') {
      const index = dimension.choices.indexOf(value);
      if (index >= 0) vector[column] = index;
    } else if (typeof value === 'number') {
      vector[column] = dimension.toInternal(value);
    }
  }
  return vector;
}

/** One array per column: the values of the trials (in order) that have every column of the group. */
function observations(vectors: readonly Float64Array[], columns: readonly number[]): Float64Array[] {
  if (columns.length === 1) return [presentValues(vectors, columns[0] as number)];
  const keep = new Uint8Array(vectors.length);
  let count = 0;
  for (let r = 0; r < vectors.length; r++) {
    const vector = vectors[r] as Float64Array;
    let complete = 1;
    for (const column of columns) if (Number.isNaN(vector[column])) complete = 0;
    keep[r] = complete;
    count += complete;
  }
  return columns.map((column) => {
    const values = new Float64Array(count);
    let k = 0;
    for (let r = 0; r < vectors.length; r++) if (keep[r] === 1) values[k++] = (vectors[r] as Float64Array)[column] ?? NaN;
    return values;
  });
}

/** One column's values, in order, of the trials that have it (a lone parameter's observations). */
function presentValues(vectors: readonly Float64Array[], column: number): Float64Array {
  const values = new Float64Array(vectors.length);
  let count = 0;
  for (let r = 0; r < vectors.length; r++) {
    const value = (vectors[r] as Float64Array)[column] ?? NaN;
    if (!Number.isNaN(value)) values[count++] = value;
  }
  return count === values.length ? values : values.slice(0, count);
}
