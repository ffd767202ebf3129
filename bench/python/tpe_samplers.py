"""The Optuna TPE configurations the benchmarks compare against, by the names the TypeScript
side sends."""
import optuna


def tpe_sampler(variant, seed):
    if variant == "default":
        # What a user gets from TPESampler(): one independent estimator per parameter.
        return optuna.samplers.TPESampler(seed=seed)
    if variant == "multivariate":
        # What our TPE does by default: joint estimators over groups of parameters that appear
        # together, and running trials counted as bad (matters only for parallel asks).
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True, constant_liar=True)
    raise ValueError("unknown TPE variant: %r" % variant)
