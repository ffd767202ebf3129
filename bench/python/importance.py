"""Optuna's default parameter importance (fANOVA) on the trials the TypeScript side sends.

stdin: {"definition", "history": [{"params", "value"}], "seed"}
stdout: one line {"importances": {name: share}, "seconds": s, "evaluator": "..."}

Optuna 3.1's FanovaImportanceEvaluator fits scikit-learn's random forest (64 trees, depth 64);
importances are over the parameters every trial has (Optuna's intersection search space), so
conditional ones are left out. Only get_param_importances is timed.
"""
import json
import sys
import time

import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna
from search_space import frozen_trials

request = json.load(sys.stdin)
study = optuna.create_study(storage=optuna.storages.InMemoryStorage(), direction="minimize")
study.add_trials(frozen_trials(request["definition"], request["history"]))

evaluator = optuna.importance.FanovaImportanceEvaluator(seed=request["seed"])
start = time.perf_counter()
importances = optuna.importance.get_param_importances(study, evaluator=evaluator)
seconds = time.perf_counter() - start
print(json.dumps({"importances": dict(importances), "seconds": seconds, "evaluator": f"Optuna {optuna.__version__} FanovaImportanceEvaluator"}))
