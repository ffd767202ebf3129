"""Optuna, imported without its per-trial INFO logs and experimental-feature warnings.

The benchmarks read these scripts' stdout as JSON lines and time them: log lines would cost
time inside the timed region and clutter stderr.
"""
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
