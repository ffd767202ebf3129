"""Time per trial of ask + tell through Optuna's SQLite storage, with the random sampler so that
the storage is what is measured.

stdin: {"definition", "order", "trials", "seed", "path", "wal"}
stdout: one line {"times_ms": [per trial]}

Timed per trial: study.ask(), the suggest_* call of every active parameter (each one is a write
to the storage: that is how Optuna records a trial's parameters) and study.tell(). Creating the
study is not timed. With "wal", SQLite gets our store's settings (WAL, synchronous=NORMAL), to
tell the cost of the settings apart from the cost of the code.
"""
import json
import sys
import time

import quiet_optuna  # noqa: F401  (silences Optuna before use)
import optuna
from search_space import suggest

request = json.load(sys.stdin)
definition, order = request["definition"], request["order"]

if request["wal"]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _our_store_settings(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


study = optuna.create_study(
    study_name="bench-store",
    storage="sqlite:///" + request["path"],
    sampler=optuna.samplers.RandomSampler(seed=request["seed"]),
    direction="minimize",
)

times = []
for number in range(request["trials"]):
    start = time.perf_counter()
    trial = study.ask()
    suggest(trial, definition, order)
    # The value is irrelevant to a random sampler; the same one is told on our side.
    study.tell(trial, (number % 97) / 97)
    times.append((time.perf_counter() - start) * 1000)

print(json.dumps({"times_ms": times}))
