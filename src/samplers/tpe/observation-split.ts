import { lossSign, type Direction } from '../../core/direction.js';
import type { TrialSnapshot } from '../sampler.js';

/** Trials divided into the good ones, which shape l(x), and the rest, which shape g(x). */
export interface ObservationSplit {
  /** Trial numbers, ascending (trial order: the weights down-weight the oldest). */
  readonly below: readonly number[];
  /** Computed when first read: read it before the next split. */
  readonly above: readonly number[];
  /** Trials with a result: COMPLETE and PRUNED (what n_startup_trials and gamma count). */
  readonly finished: number;
  /** The trials whose side changed since the previous split of this ranking. */
  readonly changed: readonly number[];
  /** A trial's side by number: BELOW, ABOVE or NEITHER. */
  sideOf(number: number): number;
}

/** The sides of a split, by trial number. */
export const NEITHER = 0;
export const BELOW = 1;
export const ABOVE = 2;

/** A trial's status in the ranking: FAILED, or with no value to rank by. */
const UNRANKED = 0;
/** Finished (COMPLETE or PRUNED) and ranked. */
const RANKED = 1;
/** Still queued or running: the constant liar's worst. */
const PENDING = 2;

/** Where a trial ranks; smaller is better. */
interface Rank {
  readonly number: number;
  readonly stage: number;
  readonly score: number;
}

/**
 * Optuna's ranking of trials (_get_observation_pairs + _split_observation_pairs), smaller
 * first: COMPLETE trials by value; then PRUNED trials, those that got further first, each by
 * its last value (NaN last); then PRUNED trials with no epoch; and, with the constant liar,
 * trials still queued or running, as the worst of all. FAILED trials are left out.
 *
 * The ranking is kept between suggestions: a trial is re-ranked only when its state, value or
 * step changed, so a suggestion does not sort the whole history again.
 */
export class ObservationRanking {
  private readonly sign: number;
  /** Finished trials, best first. */
  private readonly ranked: Rank[] = [];
  /** By trial number (numbers are dense from 0: an array indexes them faster than a map). */
  private readonly known: ({ snapshot: TrialSnapshot; rank: Rank | undefined } | undefined)[] = [];
  /** By trial number: UNRANKED (or never seen), RANKED or PENDING. */
  private status: Uint8Array = new Uint8Array(0);
  /** Trial numbers seen are below this. */
  private size = 0;
  /** By trial number: its side in the last split. */
  private sides: Uint8Array = new Uint8Array(0);

  constructor(
    direction: Direction,
    private readonly constantLiar: boolean,
  ) {
    this.sign = lossSign(direction);
  }

  /**
   * Splits the study's trials (trial order is trial-number order) into the nBelow(finished)
   * best and the rest. `trials` are those new or changed since the last split: passing every
   * trial is right too (the unchanged ones are skipped), and the ranking keeps the others.
   */
  split(trials: readonly TrialSnapshot[], nBelow: (finished: number) => number): ObservationSplit {
    for (const trial of trials) {
      this.update(trial);
      if (trial.number >= this.size) this.size = trial.number + 1;
    }
    const finished = this.ranked.length;
    const count = Math.min(nBelow(finished), finished);
    const { size } = this;
    this.sides = holding(this.sides, size);
    const { sides, status } = this;
    const below = this.ranked.slice(0, count).map((rank) => rank.number);
    below.sort((a, b) => a - b);
    // The rest in trial order, by number over typed arrays: faster than visiting every snapshot again.
    const changed: number[] = [];
    const pending = this.constantLiar ? PENDING : RANKED;
    let next = 0; // the next of `below`
    for (let number = 0; number < size; number++) {
      let side = NEITHER;
      if (below[next] === number) {
        side = BELOW;
        next++;
      } else {
        const state = status[number];
        if (state === RANKED || state === pending) side = ABOVE;
      }
      if (sides[number] !== side) {
        sides[number] = side;
        changed.push(number);
      }
    }
    // Most suggestions never list the trials above (the sampler keeps them by parameter).
    let above: number[] | undefined;
    return {
      below,
      get above() {
        return (above ??= numbersOn(sides, size, ABOVE));
      },
      finished,
      changed,
      sideOf: (number) => sides[number] ?? NEITHER,
    };
  }

  private update(trial: TrialSnapshot): void {
    const known = this.known[trial.number];
    // The study hands over the same snapshot object until the trial changes: most calls end at `===`.
    if (known && (known.snapshot === trial || sameOutcome(known.snapshot, trial))) return;
    if (known?.rank) this.ranked.splice(this.position(known.rank), 1);
    const rank = this.rankOf(trial);
    if (rank) this.ranked.splice(this.position(rank), 0, rank);
    this.known[trial.number] = { snapshot: trial, rank };
    this.status = holding(this.status, trial.number + 1);
    this.status[trial.number] = rank ? RANKED : isPending(trial) ? PENDING : UNRANKED;
  }

  /** The index of `rank` in the sorted list, or where it would go. */
  private position(rank: Rank): number {
    let low = 0;
    let high = this.ranked.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compareRanks(this.ranked[mid] as Rank, rank) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private rankOf(trial: TrialSnapshot): Rank | undefined {
    const { number } = trial;
    if (trial.state === 'COMPLETE')
      return trial.value === undefined ? undefined : { number, stage: -Infinity, score: this.sign * trial.value };
    if (trial.state !== 'PRUNED') return undefined;
    if (trial.step === undefined || trial.value === undefined) return { number, stage: 1, score: 0 };
    return { number, stage: -trial.step, score: Number.isNaN(trial.value) ? Infinity : this.sign * trial.value };
  }
}

function isPending(trial: TrialSnapshot): boolean {
  return trial.state === 'RUNNING' || trial.state === 'QUEUED';
}

function sameOutcome(a: TrialSnapshot, b: TrialSnapshot): boolean {
  return a.state === b.state && Object.is(a.value, b.value) && a.step === b.step;
}

function compareRanks(a: Rank, b: Rank): number {
  return compare(a.stage, b.stage) || compare(a.score, b.score) || a.number - b.number;
}

/** Ascending, with infinities in place. */
function compare(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The trial numbers below `size` on `side`, ascending. */
function numbersOn(sides: Uint8Array, size: number, side: number): number[] {
  const numbers: number[] = [];
  for (let number = 0; number < size; number++) if (sides[number] === side) numbers.push(number);
  return numbers;
}

/** `array` if it holds `size` entries, else a copy with room to grow (trial numbers only grow). */
function holding(array: Uint8Array, size: number): Uint8Array {
  if (array.length >= size) return array;
  const grown = new Uint8Array(2 * size + 16);
  grown.set(array);
  return grown;
}
