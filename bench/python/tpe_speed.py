"""Time per suggestion of Optuna's TPE, given a history of finished trials.

stdin: {"definition", "order", "history": [{"params", "value"}], "variant", "seed",
        "warmup", "count", "budget_seconds"}
stdout: one line {"times_ms": [...], "cold_ms": first ask+suggest}

Only ask() and the suggest_* calls are timed: that is what a user waits for to get a new
configuration. Each timed trial is then told FAIL, which TPE ignores, so every suggestion sees
the same history, as on our side.
"""
import json
import sys
import time

import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna
from search_space import frozen_trials, suggest
from tpe_samplers import tpe_sampler

request = json.load(sys.stdin)
definition, order = request["definition"], request["order"]

study = optuna.create_study(
    storage=optuna.storages.InMemoryStorage(),
    sampler=tpe_sampler(request["variant"], request["seed"]),
    direction="minimize",
)
study.add_trials(frozen_trials(definition, request["history"]))


def one_suggestion():
    start = time.perf_counter()
    trial = study.ask()
    suggest(trial, definition, order)
    elapsed = (time.perf_counter() - start) * 1000
    study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return elapsed


cold_ms = one_suggestion()
for _ in range(request["warmup"] - 1):
    one_suggestion()

times = []
budget_ms = request["budget_seconds"] * 1000
while len(times) < request["count"] and (len(times) < 3 or sum(times) < budget_ms):
    times.append(one_suggestion())

print(json.dumps({"times_ms": times, "cold_ms": cold_ms}))
