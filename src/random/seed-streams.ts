import { deriveSeed } from './derive-seed.js';

/**
 * The independent random streams derived from a study's seed. Each has its own tag, so adding a
 * stream never shifts the others.
 */
const SAMPLER_STREAM = 1;
const REPEAT_STREAM = 2;

export function samplerSeed(studySeed: number): number {
  return deriveSeed(studySeed, SAMPLER_STREAM);
}

/**
 * The training seed of repeat `r`, the same for every trial of the study: configurations are
 * compared on the same seeds (common random numbers), which makes their differences less noisy.
 */
export function repeatSeed(studySeed: number, repeat: number): number {
  return deriveSeed(studySeed, REPEAT_STREAM, repeat);
}

const PBT_STREAM = 3;

/** The draws of Population Based Training at the decision point after `epoch`: the same every time it is decided. */
export function pbtSeed(studySeed: number, epoch: number): number {
  return deriveSeed(studySeed, PBT_STREAM, epoch);
}
