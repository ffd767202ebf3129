"""Our search-space definition (as JSON from the TypeScript side) as an Optuna define-by-run space.

The definition is sent rather than written again here so that both sides search exactly the same
space; the suggest_* calls below are the ones a user would write by hand for it.
"""
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution


def is_active(spec, params):
    """Our `when` condition: every named parent is present and takes one of the listed values."""
    return all(parent in params and params[parent] in allowed for parent, allowed in spec.get("when", {}).items())


def suggest(trial, definition, order):
    """Suggests every active parameter, parents first (`order` is our SearchSpace.order)."""
    params = {}
    for name in order:
        spec = definition[name]
        if not is_active(spec, params):
            continue
        if spec["type"] == "float":
            params[name] = trial.suggest_float(name, spec["low"], spec["high"], log=spec["log"], step=spec.get("step"))
        elif spec["type"] == "int":
            params[name] = trial.suggest_int(name, spec["low"], spec["high"], log=spec["log"], step=spec["step"])
        else:
            params[name] = trial.suggest_categorical(name, spec["choices"])
    return params


def distribution(spec):
    """The Optuna distribution of one parameter, for trials built with optuna.trial.create_trial."""
    if spec["type"] == "float":
        return FloatDistribution(spec["low"], spec["high"], log=spec["log"], step=spec.get("step"))
    if spec["type"] == "int":
        return IntDistribution(spec["low"], spec["high"], log=spec["log"], step=spec["step"])
    return CategoricalDistribution(spec["choices"])


def frozen_trials(definition, history):
    """COMPLETE trials with the given params and values ([{"params": ..., "value": ...}])."""
    return [
        optuna.trial.create_trial(
            params=entry["params"],
            distributions={name: distribution(definition[name]) for name in entry["params"]},
            value=entry["value"],
        )
        for entry in history
    ]
