"""Wall time of Optuna running N trials on SLOTS threads, study.optimize(objective, n_trials=N,
n_jobs=SLOTS), where each trial either runs a program (mode "command") or is the synthetic task
(mode "synthetic": no process, the value computed in Python, after sleeping `seconds` if > 0).

Mode "command" runs the same program our workers run, once per trial, with subprocess.run: the
program's argv, then the trial's parameters named by "params" (written as JSON writes them,
categoricals as they are, as our `${name}` templates fill them). Without SWEEPER_REPORT_FD the
program writes its one report line to standard output (a pipe here, fd 3 in ours); the objective
parses that line and returns its val_loss. One fork/exec of the same script per trial on both
sides, and one JSON line parsed.

stdin: {"definition", "order", "task", "mode", "program", "params", "seconds", "trials", "slots",
        "sampler", "seed", "storage": "sqlite" | "memory", "path"}
stdout: one line {"wall_s", "complete", "failed"}

Timed: optimize() from its call to its return. Creating the study is not timed.
"""
import json
import subprocess
import sys
import time

import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna
from bench_study import bench_study
from search_space import suggest
from synthetic_task import value

request = json.load(sys.stdin)
definition, order, task = request["definition"], request["order"], request["task"]
mode, program, names, seconds = request["mode"], request["program"], request["params"], request["seconds"]

study = bench_study("bench-command", request)


def argument(param):
    return param if isinstance(param, str) else json.dumps(param)


def run_program(trial):
    params = suggest(trial, definition, order)
    completed = subprocess.run(program + [argument(params[name]) for name in names], stdout=subprocess.PIPE, check=True)
    return json.loads(completed.stdout.decode().splitlines()[0])["val_loss"]


def synthetic(trial):
    params = suggest(trial, definition, order)
    if seconds > 0:
        time.sleep(seconds)
    return value(task, params)


start = time.perf_counter()
study.optimize(run_program if mode == "command" else synthetic, n_trials=request["trials"], n_jobs=request["slots"])
wall = time.perf_counter() - start

states = [trial.state for trial in study.get_trials(deepcopy=False)]
print(json.dumps({
    "wall_s": wall,
    "complete": sum(state == optuna.trial.TrialState.COMPLETE for state in states),
    "failed": sum(state == optuna.trial.TrialState.FAIL for state in states),
}))
