"""Trials per second through Optuna's ask/tell with an objective that costs nothing: the cost of
the sampler and the storage per trial, in one thread (Optuna's fastest way to run trials).

stdin: {"definition", "order", "task", "trials", "sampler", "seed", "storage": "sqlite" | "memory", "path"}
stdout: one line {"wall_s", "trials"}

Timed, per trial: study.ask(), the suggest_* call of every parameter, and study.tell(value).
Creating the study is not timed.
"""
import json
import sys
import time

import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna
from search_space import suggest
from synthetic_task import value

request = json.load(sys.stdin)
definition, order, task = request["definition"], request["order"], request["task"]

if request["sampler"] == "tpe":
    sampler = optuna.samplers.TPESampler(seed=request["seed"])
else:
    sampler = optuna.samplers.RandomSampler(seed=request["seed"])

storage = "sqlite:///" + request["path"] if request["storage"] == "sqlite" else optuna.storages.InMemoryStorage()
study = optuna.create_study(study_name="bench-throughput", storage=storage, sampler=sampler, direction="minimize")

start = time.perf_counter()
for _ in range(request["trials"]):
    trial = study.ask()
    study.tell(trial, value(task, suggest(trial, definition, order)))
wall = time.perf_counter() - start

print(json.dumps({"wall_s": wall, "trials": request["trials"]}))
