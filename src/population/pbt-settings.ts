/**
 * Population Based Training's settings (Jaderberg et al. 2017), named as Ray Tune's
 * PopulationBasedTraining names them, with its defaults.
 */
export interface PbtSettings {
  /** Members trained at once. */
  readonly population: number;
  /** Epochs between a member's decisions (Ray's perturbation_interval). */
  readonly interval: number;
  /** The bottom fraction that copies from the top fraction (Ray's quantile_fraction, 0.25; at most 0.5). */
  readonly quantile: number;
  /** Chance that a parameter is drawn afresh from its prior instead of perturbed (0.25). */
  readonly resampleProbability: number;
  /** A continuous parameter is multiplied by one of these, chosen at random ([1.2, 0.8]). */
  readonly perturbationFactors: readonly [number, number];
}

/** The study's scheduler, as the store keeps it: PBT is the only one, and a study without one runs trials whole. */
export type SchedulerSpec = { readonly type: 'pbt' } & PbtSettings;

export const PBT_DEFAULTS: Omit<PbtSettings, 'population' | 'interval'> = {
  quantile: 0.25,
  resampleProbability: 0.25,
  perturbationFactors: [1.2, 0.8],
};
