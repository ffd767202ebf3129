"""Wall time of Optuna running N trials that each sleep for a fixed time, on SLOTS threads:
study.optimize(objective, n_trials=N, n_jobs=SLOTS), the way Optuna runs trials in parallel in
one process. Sleeping threads release the GIL, so the threads do sleep side by side.

stdin: {"definition", "order", "task", "trials", "slots", "seconds", "sampler", "seed",
        "storage": "sqlite" | "memory", "path"}
stdout: one line {"wall_s", "complete", "failed"}

Timed: optimize() from its call to its return, which is when the last trial has been told.
Creating the study (and its SQLite file) is not timed.
"""
import json
import sys
import time

import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna
from bench_study import bench_study
from search_space import suggest
from synthetic_task import value

request = json.load(sys.stdin)
definition, order, task = request["definition"], request["order"], request["task"]
seconds = request["seconds"]

study = bench_study("bench-overhead", request)


def objective(trial):
    params = suggest(trial, definition, order)
    time.sleep(seconds)
    return value(task, params)


start = time.perf_counter()
study.optimize(objective, n_trials=request["trials"], n_jobs=request["slots"])
wall = time.perf_counter() - start

states = [trial.state for trial in study.get_trials(deepcopy=False)]
print(json.dumps({
    "wall_s": wall,
    "complete": sum(state == optuna.trial.TrialState.COMPLETE for state in states),
    "failed": sum(state == optuna.trial.TrialState.FAIL for state in states),
}))
