import type { Rng } from '../random/rng.js';
import { samplePrior } from '../samplers/sample-prior.js';
import type { ParamSpec, ParamValue, ParamValues, SearchSpaceDefinition } from '../space/param-spec.js';
import type { PbtSettings } from './pbt-settings.js';

/**
 * PBT's explore step, as Ray Tune's does it: each parameter of the space is drawn afresh from its
 * prior with `resampleProbability`; otherwise a number is multiplied by one of the
 * `perturbationFactors` (an integer rounded, both kept within the parameter's bounds and on its
 * step), and a categorical moves to a neighbouring choice. Parameters the member does not have
 * (a condition excludes them) are left out, as the space says.
 */
export function explore(
  params: ParamValues,
  space: SearchSpaceDefinition,
  settings: Pick<PbtSettings, 'resampleProbability' | 'perturbationFactors'>,
  rng: Rng,
): ParamValues {
  const explored: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(params)) {
    const spec = space[name];
    if (!spec) {
      explored[name] = value;
      continue;
    }
    explored[name] =
      rng.float() < settings.resampleProbability ? samplePrior(spec, rng) : perturb(spec, value, settings.perturbationFactors, rng);
  }
  return explored;
}

function perturb(spec: ParamSpec, value: ParamValue, factors: readonly [number, number], rng: Rng): ParamValue {
  if (spec.type === 'categorical') {
    const at = spec.choices.indexOf(value);
    if (at < 0) return value;
    const next = Math.min(spec.choices.length - 1, Math.max(0, at + (rng.float() < 0.5 ? -1 : 1)));
    return spec.choices[next] as ParamValue;
  }
  const factor = factors[rng.float() < 0.5 ? 0 : 1];
  const scaled = Math.min(spec.high, Math.max(spec.low, (value as number) * factor));
  if (spec.step === undefined) return scaled;
  const k = Math.round((scaled - spec.low) / spec.step);
  return Math.min(spec.high, spec.low + k * spec.step);
}
