"""Best value found by Optuna's TPE on the test functions, one run per (function, seed, variant).

stdin: {"functions": {name: {"definition", "order"}}, "jobs": [{"function", "seed", "variant"}],
        "trials": n, "checkpoints": [50, 100, 200]}
stdout: one line per finished job: {"function", "seed", "variant", "best": [best value after
        each checkpoint]}

Sequential ask/tell, one trial at a time, in memory: the same loop as on our side, so the two
searches differ only by their sampler.
"""
import json
import math
import sys

import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna
from search_space import suggest
from test_functions import FUNCTIONS
from tpe_samplers import tpe_sampler

request = json.load(sys.stdin)
checkpoints = set(request["checkpoints"])

for job in request["jobs"]:
    space = request["functions"][job["function"]]
    objective = FUNCTIONS[job["function"]]
    study = optuna.create_study(
        storage=optuna.storages.InMemoryStorage(),
        sampler=tpe_sampler(job["variant"], job["seed"]),
        direction="minimize",
    )
    best = math.inf
    bests = []
    for number in range(1, request["trials"] + 1):
        trial = study.ask()
        value = objective(suggest(trial, space["definition"], space["order"]))
        study.tell(trial, value)
        best = min(best, value)
        if number in checkpoints:
            bests.append(best)
    print(json.dumps({"function": job["function"], "seed": job["seed"], "variant": job["variant"], "best": bests}), flush=True)
