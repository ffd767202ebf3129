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

from bench_study import bench_study
from search_space import suggest
from synthetic_task import value

request = json.load(sys.stdin)
definition, order, task = request["definition"], request["order"], request["task"]

study = bench_study("bench-throughput", request)

start = time.perf_counter()
for _ in range(request["trials"]):
    trial = study.ask()
    study.tell(trial, value(task, suggest(trial, definition, order)))
wall = time.perf_counter() - start

print(json.dumps({"wall_s": wall, "trials": request["trials"]}))
