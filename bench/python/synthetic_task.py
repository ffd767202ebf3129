"""Our synthetic task's value in Python (src/synthetic/synthetic-loss.ts and synthetic-metrics.ts),
so that Optuna's objective returns what our workers report for the same parameters.

`task` is our normalised SyntheticTask as JSON: {"epochs", "optimum", "scales"}; a scale is
{"low", "high", "log"} or {"choices"}.
"""
import math


def _position(scale, value):
    return math.log(value) if scale["log"] else value


def loss(task, params):
    """Sum over the parameters of the squared distance to the optimum, as a fraction of the range."""
    total = 0.0
    for name, value in params.items():
        scale, optimum = task["scales"][name], task["optimum"][name]
        if "choices" in scale:
            total += 0.0 if value == optimum else 1.0
        else:
            span = _position(scale, scale["high"]) - _position(scale, scale["low"])
            total += ((_position(scale, value) - _position(scale, optimum)) / span) ** 2
    return total


def value(task, params):
    """The trial's value: validation loss at its best (last) epoch, loss + 1/epoch, noise 0."""
    return loss(task, params) + 1.0 / task["epochs"]
