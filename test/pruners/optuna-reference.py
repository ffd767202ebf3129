"""Replays hand-made and random trial histories through Optuna 3.1's pruners and writes what they
decided to optuna-cases.json, which optuna-cases.test.ts replays through ours.

Run from the repository root: /usr/bin/python3 test/pruners/optuna-reference.py

Each case is a list of events [trial, step, value]: trials are asked in number order as needed,
report the value, ask should_prune; a pruned trial is told PRUNED and its later events are
dropped; a trial that reaches its last event unpruned is told COMPLETE. Hyperband's bracket hash
(crc32 of study name and trial number) is replaced by sweeper's deriveSeed(0, number), so that
the budget-weighted allocation itself comes from Optuna.
"""

import json
import math
import random
import sys
from pathlib import Path

import optuna
import optuna.pruners._hyperband as hyperband_module

optuna.logging.set_verbosity(optuna.logging.ERROR)
assert optuna.__version__.startswith("3.1"), optuna.__version__

MASK = 0xFFFFFFFF


def fmix32(h):
    h &= MASK
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK
    h ^= h >> 16
    return h


def derive_seed(*parts):
    """src/random/derive-seed.ts, for non-negative parts."""
    h = 0x9E3779B9
    for part in parts:
        h = fmix32(h ^ fmix32(part & MASK) ^ fmix32((part >> 32) & MASK))
    return h


def bracket_hash(data):
    number = int(data.decode().rsplit("_", 1)[1])
    return derive_seed(0, number)


hyperband_module.binascii = type("binascii", (), {"crc32": staticmethod(bracket_hash)})


def make_pruner(spec):
    kind = spec["type"]
    args = {k: v for k, v in spec.items() if k != "type"}
    if kind == "median":
        return optuna.pruners.MedianPruner(**args)
    if kind == "percentile":
        return optuna.pruners.PercentilePruner(**args)
    if kind == "asha":
        return optuna.pruners.SuccessiveHalvingPruner(**args)
    if kind == "hyperband":
        return optuna.pruners.HyperbandPruner(**args)
    raise ValueError(kind)


def run(case):
    study = optuna.create_study(direction=case["direction"], pruner=make_pruner(case["pruner"]))
    last_event = {}
    for index, (number, _, _) in enumerate(case["events"]):
        last_event[number] = index
    trials = {}
    finished = set()
    pruned = []
    for index, (number, step, value) in enumerate(case["events"]):
        if number in finished:
            continue
        while number not in trials:
            # Trials run in parallel may report out of number order; ask up to this one.
            asked = study.ask()
            trials[asked.number] = asked
        trial = trials[number]
        value = float(value)
        trial.report(value, step)
        if trial.should_prune():
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            finished.add(number)
            pruned.append([number, step])
        elif last_event[number] == index:
            study.tell(trial, value)
            finished.add(number)
    return pruned


def curve(rng, quality, steps, noise=0.05):
    # Rounded so that the JSON stays short; ties between trials become possible, which is wanted.
    return [round(quality * (1 - math.exp(-s / 3)) + rng.gauss(0, noise), 3) for s in range(1, steps + 1)]


def interleave(rng, curves, concurrency):
    """Events of trials run `concurrency` at a time, one step of a random running trial per tick."""
    events = []
    waiting = list(range(len(curves)))
    running = {}
    while waiting or running:
        while waiting and len(running) < concurrency:
            number = waiting.pop(0)
            running[number] = 0
        number = rng.choice(sorted(running))
        position = running[number]
        events.append([number, position + 1, curves[number][position]])
        running[number] = position + 1
        if running[number] == len(curves[number]):
            del running[number]
    return events


def sequential(curves):
    return [[n, s + 1, v] for n, c in enumerate(curves) for s, v in enumerate(c)]


def random_case(seed, pruner, direction, n_trials, steps, concurrency, nan_rate=0.0):
    rng = random.Random(seed)
    curves = []
    for _ in range(n_trials):
        length = steps if rng.random() < 0.8 else rng.randint(1, steps)
        c = curve(rng, rng.random(), length)
        if direction == "minimize":
            c = [round(1 - v, 3) for v in c]
        c = [math.nan if rng.random() < nan_rate else v for v in c]
        curves.append(c)
    return {
        "name": f"random {pruner['type']} {direction} seed {seed}",
        "direction": direction,
        "pruner": pruner,
        "events": interleave(rng, curves, concurrency),
    }


def hand_cases():
    nan = math.nan
    yield {
        "name": "median, defaults, sequential, maximize",
        "direction": "maximize",
        "pruner": {"type": "median"},
        "events": sequential(
            [
                [0.1, 0.4, 0.6],
                [0.2, 0.5, 0.7],
                [0.3, 0.3, 0.3],
                [0.4, 0.6, 0.8],
                [0.2, 0.2, 0.9],
                [0.25, 0.35, 0.9],  # fifth complete trial exists: pruning starts here
                [0.1, 0.9, 0.9],
            ]
        ),
    }
    yield {
        "name": "median, warm-up 2, interval 2, minimize",
        "direction": "minimize",
        "pruner": {"type": "median", "n_startup_trials": 2, "n_warmup_steps": 2, "interval_steps": 2},
        "events": sequential(
            [
                [1.0, 0.8, 0.6, 0.5, 0.4, 0.3],
                [0.9, 0.7, 0.5, 0.4, 0.3, 0.2],
                [2.0, 2.0, 2.0, 2.0, 2.0, 2.0],
                [0.5, 0.9, 0.9, 0.9, 0.9, 0.9],
            ]
        ),
    }
    yield {
        "name": "percentile 25 with n_min_trials 3 and short curves, maximize",
        "direction": "maximize",
        "pruner": {"type": "percentile", "percentile": 25.0, "n_startup_trials": 1, "n_min_trials": 3},
        "events": sequential(
            [[0.5, 0.6, 0.7, 0.8], [0.4, 0.5], [0.6, 0.7, 0.8], [0.45, 0.55, 0.7, 0.75], [0.3, 0.65, 0.74, 0.79]]
        ),
    }
    yield {
        "name": "percentile 25 with n_min_trials 3 and short curves, minimize",
        "direction": "minimize",
        "pruner": {"type": "percentile", "percentile": 25.0, "n_startup_trials": 1, "n_min_trials": 3},
        "events": sequential(
            [[0.5, 0.4, 0.3, 0.2], [0.6, 0.5], [0.4, 0.3, 0.2], [0.55, 0.45, 0.3, 0.25], [0.7, 0.35, 0.26, 0.21]]
        ),
    }
    yield {
        "name": "median with NaN values",
        "direction": "maximize",
        "pruner": {"type": "median", "n_startup_trials": 2},
        "events": sequential([[0.5, nan, 0.7], [nan, nan, 0.6], [nan, 0.1, 0.1], [nan, nan, nan], [0.9, nan, 0.65]]),
    }
    yield {
        "name": "median, warm-up 2, interval 3, reports that skip checkpoint steps",
        "direction": "maximize",
        "pruner": {"type": "median", "n_startup_trials": 2, "n_warmup_steps": 2, "interval_steps": 3},
        "events": [
            *sequential([[0.5, 0.6, 0.7, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9], [0.5, 0.6, 0.7, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9]]),
            # Checkpoints are 2, 5, 8: trial 2 reports 1, 3, 4, 6, 9 and is checked at 3, 6 and 9.
            [2, 1, 0.1], [2, 3, 0.2], [2, 4, 0.3], [2, 6, 0.3], [2, 9, 0.3],
            # Trial 3 would be pruned at 4 (best 0.75 < median 0.8) were it checked there; it is at 6.
            [3, 1, 0.1], [3, 3, 0.75], [3, 4, 0.1], [3, 6, 0.79], [3, 9, 0.9],
        ],
    }
    yield {
        "name": "ASHA, reduction factor 2, sequential, maximize",
        "direction": "maximize",
        "pruner": {"type": "asha", "min_resource": 1, "reduction_factor": 2},
        "events": sequential(
            [
                [0.5, 0.6, 0.7, 0.8, 0.8],
                [0.4, 0.7, 0.8, 0.9, 0.9],
                [0.6, 0.5, 0.6, 0.7, 0.8],
                [0.3, 0.9, 0.9, 0.9, 0.9],
                [0.55, 0.65, 0.75, 0.85, 0.95],
                [0.7, 0.8, 0.9, 0.95, 0.99],
            ]
        ),
    }
    yield {
        "name": "ASHA, reduction factor 3, min resource 2, rate 1, interleaved, minimize",
        "direction": "minimize",
        "pruner": {"type": "asha", "min_resource": 2, "reduction_factor": 3, "min_early_stopping_rate": 1},
        "events": interleave(
            random.Random(7),
            [[round(1 - v, 3) for v in curve(random.Random(n), q, 20)] for n, q in enumerate([0.5, 0.9, 0.2, 0.7, 0.8, 0.1, 0.95])],
            3,
        ),
    }
    yield {
        "name": "ASHA, reduction factor 3, eight trials at a time, maximize",
        "direction": "maximize",
        "pruner": {"type": "asha", "min_resource": 1, "reduction_factor": 3},
        "events": interleave(random.Random(8), [curve(random.Random(500 + n), random.Random(600 + n).random(), 12) for n in range(30)], 8),
    }
    yield {
        "name": "ASHA with NaN at rung steps",
        "direction": "maximize",
        "pruner": {"type": "asha", "min_resource": 1, "reduction_factor": 2},
        "events": sequential([[0.5, 0.6], [nan, 0.9], [0.6, nan], [0.7, 0.8], [0.4, 0.9]]),
    }
    yield {
        "name": "ASHA with curves that skip rung steps",
        "direction": "maximize",
        "pruner": {"type": "asha", "min_resource": 1, "reduction_factor": 2},
        "events": [
            [0, 1, 0.5], [0, 3, 0.6], [0, 5, 0.7], [0, 9, 0.8],
            [1, 1, 0.6], [1, 2, 0.5], [1, 3, 0.65], [1, 5, 0.9], [1, 6, 0.95],
            [2, 1, 0.7], [2, 9, 0.9],
            [3, 1, 0.8], [3, 9, 0.7],
            [4, 3, 0.9], [4, 4, 0.9],
        ],
    }
    yield {
        "name": "Hyperband, 27 epochs, reduction factor 3, maximize",
        "direction": "maximize",
        "pruner": {"type": "hyperband", "min_resource": 1, "max_resource": 27, "reduction_factor": 3},
        "events": interleave(
            random.Random(11), [curve(random.Random(100 + n), random.Random(200 + n).random(), 27) for n in range(40)], 4
        ),
    }
    yield {
        "name": "Hyperband, min resource 2, 16 epochs, reduction factor 2, minimize",
        "direction": "minimize",
        "pruner": {"type": "hyperband", "min_resource": 2, "max_resource": 16, "reduction_factor": 2},
        "events": interleave(
            random.Random(12),
            [[round(1 - v, 3) for v in curve(random.Random(300 + n), random.Random(400 + n).random(), 16)] for n in range(40)],
            4,
        ),
    }


def random_cases():
    pruners = [
        ({"type": "median"}, 0.0),
        ({"type": "median", "n_startup_trials": 3, "n_warmup_steps": 3, "interval_steps": 3, "n_min_trials": 4}, 0.02),
        ({"type": "percentile", "percentile": 10.0, "n_startup_trials": 2}, 0.0),
        ({"type": "percentile", "percentile": 80.0, "n_startup_trials": 4, "n_min_trials": 6}, 0.02),
        ({"type": "asha", "min_resource": 1, "reduction_factor": 4}, 0.0),
        ({"type": "asha", "min_resource": 2, "reduction_factor": 2, "min_early_stopping_rate": 1}, 0.02),
        ({"type": "hyperband", "min_resource": 1, "max_resource": 20, "reduction_factor": 3}, 0.0),
        ({"type": "hyperband", "min_resource": 1, "max_resource": 20, "reduction_factor": 2}, 0.02),
    ]
    seed = 1000
    for pruner, nan_rate in pruners:
        for direction in ("maximize", "minimize"):
            seed += 1
            yield random_case(seed, pruner, direction, 30, 20, 4, nan_rate)


def bracket_counts():
    rows = []
    for min_resource, max_resource, reduction_factor in [
        (1, 1, 2), (1, 2, 2), (1, 8, 2), (1, 10, 3), (1, 27, 3), (1, 26, 3), (1, 28, 3), (1, 81, 3),
        (1, 64, 4), (2, 16, 2), (3, 100, 3), (2, 30, 3), (5, 100, 4), (1, 100, 10), (1, 50, 3),
    ]:
        pruner = optuna.pruners.HyperbandPruner(min_resource, max_resource, reduction_factor)
        study = optuna.create_study(pruner=pruner)
        pruner._try_initialization(study)
        rows.append(
            {
                "minResource": min_resource,
                "maxResource": max_resource,
                "reductionFactor": reduction_factor,
                "nBrackets": pruner._n_brackets,
                "budgets": pruner._trial_allocation_budgets,
                "brackets": [pruner._get_bracket_id(study, _Numbered(n)) for n in range(40)],
            }
        )
    return rows


class _Numbered:
    """All _get_bracket_id reads of a trial."""

    def __init__(self, number):
        self.number = number


def compact_json(output):
    """One line per case and per bracket row: small, and diffs stay readable."""
    lines = ["{", f' "source": {json.dumps(output["source"])},', ' "cases": [']
    lines.append(",\n".join("  " + json.dumps(case, separators=(",", ":")) for case in output["cases"]))
    lines += [" ],", ' "hyperbandBrackets": [']
    lines.append(",\n".join("  " + json.dumps(row, separators=(",", ":")) for row in output["hyperbandBrackets"]))
    lines += [" ]", "}"]
    return "\n".join(lines) + "\n"


def encode(value):
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def main():
    cases = []
    for case in [*hand_cases(), *random_cases()]:
        case["optunaPruned"] = run(case)
        cases.append(case)
    output = {
        "source": f"Generated by test/pruners/optuna-reference.py with Optuna {optuna.__version__}; do not edit.",
        "cases": encode(cases),
        "hyperbandBrackets": bracket_counts(),
    }
    path = Path(__file__).with_name("optuna-cases.json")
    path.write_text(compact_json(output))
    for case in cases:
        print(f"{case['name']}: {len(case['optunaPruned'])} pruned", file=sys.stderr)


if __name__ == "__main__":
    main()
