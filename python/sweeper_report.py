"""Report a training run's epochs to sweeper, from your own program (a sweep's ``command:`` task).

One file, Python 3.9+, standard library only. The protocol is in sweeper's docs/own-code.md:
each ``report`` writes one JSON line to the report file descriptor (``SWEEPER_REPORT_FD``, 3)
and then waits for the coordinator's decision, one line ``continue`` or ``stop``, on the decision
file descriptor (``SWEEPER_DECISION_FD``, 4)::

    from sweeper_report import report, params, seed, Pruned

    p = params()                       # {"learning_rate": 0.01, ...}
    torch.manual_seed(seed() or 0)
    try:
        for epoch in range(1, epochs + 1):
            ...
            report(epoch, val_accuracy=acc, val_loss=loss)
    except Pruned:
        save_checkpoint()              # optional: the run was told to stop
        sys.exit(0)                    # exit 0: the trial is PRUNED either way

Metric values may be Python ints and floats or anything with ``.item()`` (torch and numpy
scalars). A NaN is written as ``NaN``: sweeper fails the run and says why, rather than this
helper hiding it.

Outside sweeper (no ``SWEEPER_REPORT_FD``), ``report`` prints its line to standard output and
returns ``"continue"``, so the same script runs by hand.

``python3 -m sweeper_report --path`` prints where this file is. Sweeper puts its folder on
``PYTHONPATH`` for the programs it runs, so ``import sweeper_report`` needs no setup there.
"""

import json
import os
import select
import sys

__all__ = [
    "Pruned",
    "params",
    "seed",
    "epochs",
    "study",
    "trial",
    "repeat",
    "attempt",
    "report",
    "report_final",
    "should_stop",
]

CONTINUE = "continue"
STOP = "stop"


class Pruned(Exception):
    """Raised by ``report`` when the coordinator says ``stop``.

    A script may catch it to save a checkpoint and then exit with code 0; left uncaught, the
    program ends with a traceback and a non-zero code, and the trial is still PRUNED, since
    the stop came first. Once raised, every later ``report`` raises it again without writing.
    """


class ProtocolError(RuntimeError):
    """The decision file descriptor closed, or sent something other than ``continue`` or ``stop``."""


_last_decision = None
_decision_buffer = b""


def _int_env(name):
    value = os.environ.get(name)
    if value is None or value == "":
        return None
    return int(value)


def params():
    """The trial's parameters: a dict from ``SWEEPER_PARAMS`` (or ``SWEEPER_PARAMS_FILE``); ``{}`` outside sweeper."""
    text = os.environ.get("SWEEPER_PARAMS")
    if text is None:
        path = os.environ.get("SWEEPER_PARAMS_FILE")
        if path is None:
            return {}
        with open(path, encoding="utf-8") as f:
            text = f.read()
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ProtocolError("SWEEPER_PARAMS is not a JSON object: %r" % text[:80])
    return value


def seed():
    """The repeat's seed (``SWEEPER_SEED``), to seed your framework with; ``None`` outside sweeper."""
    return _int_env("SWEEPER_SEED")


def epochs():
    """The most epochs this run reports (``SWEEPER_EPOCHS``), or ``None`` when the sweep does not say."""
    return _int_env("SWEEPER_EPOCHS")


def study():
    """The study's name (``SWEEPER_STUDY``), or ``None`` outside sweeper."""
    return os.environ.get("SWEEPER_STUDY")


def trial():
    """The trial's number (``SWEEPER_TRIAL``), or ``None`` outside sweeper."""
    return _int_env("SWEEPER_TRIAL")


def repeat():
    """Which repeat of the trial this run is (``SWEEPER_REPEAT``), or ``None`` outside sweeper."""
    return _int_env("SWEEPER_REPEAT")


def attempt():
    """Which attempt at this run this is (``SWEEPER_ATTEMPT``), or ``None`` outside sweeper."""
    return _int_env("SWEEPER_ATTEMPT")


def checkpoint_dir():
    """The folder to save the run's checkpoint in (``SWEEPER_CHECKPOINT_DIR``), or ``None``.

    Save into it before reporting the epoch the checkpoint follows (write a temporary file and
    rename it); sweeper keeps what it holds at each report, and restores it for the next attempt.
    """
    return os.environ.get("SWEEPER_CHECKPOINT_DIR")


def resume_epoch():
    """The epoch whose checkpoint ``checkpoint_dir()`` holds (``SWEEPER_RESUME_EPOCH``), or ``None``.

    Set when the run goes on from an earlier attempt's checkpoint: load it and report from the
    next epoch on.
    """
    return _int_env("SWEEPER_RESUME_EPOCH")


def should_stop():
    """True when the last decision was ``stop`` (``report`` has raised ``Pruned``)."""
    return _last_decision == STOP


def _number(name, value):
    """A metric's value as a JSON number: ints, floats and anything with ``.item()``."""
    if isinstance(value, bool):
        raise TypeError("metric %s must be a number, not a bool" % name)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    item = getattr(value, "item", None)
    if callable(item):
        return _number(name, item())
    if hasattr(value, "__float__"):
        return float(value)
    raise TypeError("metric %s must be a number (int, float or a scalar with .item()), not %s" % (name, type(value).__name__))


def _write_line(fd, line):
    data = (line + "\n").encode("utf-8")
    while data:
        try:
            written = os.write(fd, data)
        except BlockingIOError:  # a non-blocking descriptor whose pipe is full: wait until it drains
            select.select([], [fd], [])
            continue
        data = data[written:]


def _read_decision(fd):
    global _decision_buffer
    while b"\n" not in _decision_buffer:
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:  # a non-blocking descriptor: wait for the decision
            select.select([fd], [], [])
            continue
        if not chunk:
            raise ProtocolError("the decision file descriptor %d closed before a decision came" % fd)
        _decision_buffer += chunk
    line, _decision_buffer = _decision_buffer.split(b"\n", 1)
    decision = line.decode("utf-8", "replace").strip()
    if decision not in (CONTINUE, STOP):
        raise ProtocolError("expected 'continue' or 'stop' on the decision file descriptor, got %r" % decision[:80])
    return decision


def _emit(line):
    report_fd = _int_env("SWEEPER_REPORT_FD")
    if report_fd is None:
        print(line, flush=True)
        return None
    _write_line(report_fd, line)
    return report_fd


def report(epoch, **metrics):
    """Report one epoch's metrics and wait for the coordinator's decision.

    Writes ``{"epoch": epoch, **metrics}`` as one JSON line, then reads the decision. Returns
    ``"continue"``; raises ``Pruned`` on ``"stop"``. Epochs count 1, 2, 3... without gaps.
    """
    global _last_decision
    if _last_decision == STOP:
        raise Pruned("the run was already told to stop")
    if isinstance(epoch, bool):
        raise TypeError("epoch must be a whole number, not a bool")
    if not isinstance(epoch, int):
        item = getattr(epoch, "item", None)
        epoch = item() if callable(item) else epoch
        if not isinstance(epoch, int) or isinstance(epoch, bool):
            raise TypeError("epoch must be a whole number, not %r" % (epoch,))
    body = {"epoch": int(epoch)}
    for name, value in metrics.items():
        body[name] = _number(name, value)
    line = json.dumps(body, allow_nan=True)
    if _emit(line) is None:
        _last_decision = CONTINUE
        return CONTINUE
    decision_fd = _int_env("SWEEPER_DECISION_FD")
    decision = CONTINUE if decision_fd is None else _read_decision(decision_fd)
    _last_decision = decision
    if decision == STOP:
        raise Pruned("the coordinator stopped this run after epoch %d" % body["epoch"])
    return decision


def report_final(test_accuracy=None, test_loss=None, epoch=None):
    """Report the test evaluation of the model the run keeps (its best epoch's weights), as the last line."""
    final = {}
    if test_accuracy is not None:
        final["test_accuracy"] = _number("test_accuracy", test_accuracy)
    if test_loss is not None:
        final["test_loss"] = _number("test_loss", test_loss)
    if epoch is not None:
        final["epoch"] = int(_number("epoch", epoch))
    _emit(json.dumps({"final": final}, allow_nan=True))


def _main(argv):
    if argv == ["--path"]:
        print(os.path.abspath(__file__))
        return 0
    sys.stderr.write("usage: python3 -m sweeper_report --path   (prints where sweeper_report.py is)\n")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
