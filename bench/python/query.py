"""The queries of bench:query on Optuna's SQLite storage, where Optuna has an equivalent.

stdin: {"phase": "build", "path", "trials": [{"state", "value", "params", "intermediate"}], "space"}
   or  {"phase": "time", "path", "runs", "show_number", "csv_path"}
stdout (build): one line {"seconds"}
stdout (time): one line per query {"query", "ms": [per run]}

Build: study.add_trials with optuna.trial.create_trial, Optuna's bulk path, with SQLite's
synchronous=OFF and an in-memory journal to make the setup bearable (setup only: the timing
phase is another process, on SQLite's defaults as SQLAlchemy leaves them).
Timed per run, as a fresh command would do it: optuna.load_study, then the query.
"""
import json
import sys
import time

import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState

request = json.load(sys.stdin)
storage_url = "sqlite:///" + request["path"]
STUDY = "bench-query"


def distribution(spec):
    if spec["type"] == "categorical":
        return CategoricalDistribution(spec["choices"])
    if spec["type"] == "int":
        return IntDistribution(spec["low"], spec["high"], log=spec["log"])
    return FloatDistribution(spec["low"], spec["high"], log=spec["log"])


def build():
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _fast_setup(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.close()

    distributions = {name: distribution(spec) for name, spec in request["space"].items()}
    study = optuna.create_study(study_name=STUDY, storage=storage_url, direction="maximize")
    states = {"COMPLETE": TrialState.COMPLETE, "PRUNED": TrialState.PRUNED, "FAILED": TrialState.FAIL, "QUEUED": TrialState.WAITING}
    start = time.perf_counter()
    frozen = []
    for trial in request["trials"]:
        state = states[trial["state"]]
        frozen.append(
            optuna.trial.create_trial(
                state=state,
                value=trial["value"] if state in (TrialState.COMPLETE, TrialState.PRUNED) else None,
                params=trial["params"],
                distributions={name: distributions[name] for name in trial["params"]},
                intermediate_values={step: value for step, value in enumerate(trial["intermediate"], start=1)},
            )
        )
        if state == TrialState.WAITING:
            # create_trial gives a waiting trial a start time, which Optuna then refuses.
            frozen[-1].datetime_start = None
    study.add_trials(frozen)
    print(json.dumps({"seconds": time.perf_counter() - start}))


def timed(name, fn):
    times = []
    for _ in range(request["runs"]):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"query": name, "ms": times}), flush=True)


def load():
    return optuna.load_study(study_name=STUDY, storage=storage_url)


def best_trial():
    return load().best_trial


def complete_frame():
    frame = load().trials_dataframe()
    return frame[frame.state == "COMPLETE"]


def where():
    frame = complete_frame()
    return frame[frame.params_optimizer == "adam"].nlargest(10, "value")


def group_by():
    frame = complete_frame()
    return frame.sort_values("value", ascending=False).groupby("params_optimizer").head(10)


def show():
    study = load()
    storage = study._storage
    return storage.get_trial(storage.get_trial_id_from_study_id_trial_number(study._study_id, request["show_number"]))


def export_csv():
    load().trials_dataframe().to_csv(request["csv_path"], index=False)


def export_intermediate():
    import pandas

    rows = [(t.number, step, value) for t in load().get_trials(deepcopy=False) for step, value in t.intermediate_values.items()]
    pandas.DataFrame(rows, columns=["number", "step", "value"]).to_csv(request["csv_path"], index=False)


def listing():
    return load().trials_dataframe()


if request["phase"] == "build":
    build()
else:
    timed("best", best_trial)
    timed("where", where)
    timed("group-by", group_by)
    timed("show", show)
    timed("export", export_csv)
    timed("export-epochs", export_intermediate)
    timed("trials", listing)
