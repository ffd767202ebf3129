"""The Optuna study a benchmark runs its trials in, as the request describes it.

request: {"sampler": "tpe" | "random", "seed", "storage": "sqlite" | "memory", "path"}
"""
import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna


def bench_study(name, request):
    if request["sampler"] == "tpe":
        # Optuna's default TPE, as a user gets it from TPESampler().
        sampler = optuna.samplers.TPESampler(seed=request["seed"])
    else:
        sampler = optuna.samplers.RandomSampler(seed=request["seed"])
    storage = "sqlite:///" + request["path"] if request["storage"] == "sqlite" else optuna.storages.InMemoryStorage()
    return optuna.create_study(study_name=name, storage=storage, sampler=sampler, direction="minimize")
