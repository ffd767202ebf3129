"""A whole sweep with Optuna and PyTorch: the peer of bench/sweep.ts.

stdin: {"data": {"train" | "validation" | "test": {"images": path, "labels": path, "count"}},
        "pixels", "classes", "definition", "order", "sampler": {"type": "tpe" | "random" | "grid",
        "seed", "grid"?: {name: [values]}}, "trials", "n_jobs", "seed",
        "model": our model settings, "training": our training settings,
        "enqueue"?: [params of each trial to run first, in order (study.enqueue_trial)]}
stdout: one line {"optuna", "torch", "import_seconds", "optimize_seconds", "cpu_seconds",
        "complete", "failed", "best_value", "best_test_accuracy", "configurations": [params by trial number]}

What a user of Optuna and PyTorch writes for the same sweep: study.optimize(objective,
n_trials, n_jobs) whose objective suggests the parameters (define-by-run, as our space says:
search_space.suggest), builds the MLP, trains it for the sweep's epochs with a validation pass
after each, and returns the best epoch's validation accuracy; the test set is evaluated once, by
the best epoch's weights, as our side does. The images are the very arrays our side trains on
(raw float32, count x pixels, row-major), the labels raw uint8.

Each of the n_jobs threads trains on one core: torch.set_num_threads(1), and OMP_NUM_THREADS=1
in the environment (bench/optuna-peer.ts ONE_THREAD), as each of our worker threads does.
"""
import time

START = time.perf_counter()

import copy  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import optuna  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

import quiet_optuna  # noqa: E402,F401
import search_space  # noqa: E402

IMPORTED = time.perf_counter()

request = json.load(sys.stdin)
torch.set_num_threads(1)
torch.set_num_interop_threads(1)
pixels, classes = request["pixels"], request["classes"]


def load(part):
    files = request["data"][part]
    count = files["count"]
    images = torch.from_numpy(np.fromfile(files["images"], dtype=np.float32).reshape(count, pixels))
    labels = torch.from_numpy(np.fromfile(files["labels"], dtype=np.uint8).astype(np.int64))
    return images, labels


train_x, train_y = load("train")
val_x, val_y = load("validation")
test_x, test_y = load("test") if request["data"]["test"]["count"] > 0 else (None, None)


def activation(settings):
    name = settings["activation"]
    if name == "relu":
        return nn.ReLU()
    if name == "tanh":
        return nn.Tanh()
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "elu":
        return nn.ELU(alpha=settings["elu_alpha"])
    if name == "selu":
        return nn.SELU()
    if name == "leaky_relu":
        return nn.LeakyReLU(negative_slope=settings["leaky_alpha"])
    if name == "linear":
        return nn.Identity()
    raise ValueError(f"activation {name}")


def initialise(layer, name, generator):
    """Our initialisers (src/training/weight-initializer.ts), biases zero as in Keras."""
    n_out, n_in = layer.weight.shape
    with torch.no_grad():
        if name == "glorot":
            bound = math.sqrt(6 / (n_in + n_out))
            layer.weight.uniform_(-bound, bound, generator=generator)
        elif name == "fan_in":
            bound = math.sqrt(3 / n_in)
            layer.weight.uniform_(-bound, bound, generator=generator)
        elif name == "fan_out":
            bound = math.sqrt(3 / n_out)
            layer.weight.uniform_(-bound, bound, generator=generator)
        elif name == "selu":
            layer.weight.normal_(0, math.sqrt(1 / n_in), generator=generator)
        else:
            raise ValueError(f"initializer {name}")
        layer.bias.zero_()


def build(settings, generator):
    layers, width_in = [], pixels
    for _ in range(settings["depth"]):
        linear = nn.Linear(width_in, settings["width"])
        initialise(linear, settings["initializer"], generator)
        layers += [linear, activation(settings)]
        if settings["dropout"] > 0:
            layers.append(nn.Dropout(settings["dropout"]))
        width_in = settings["width"]
    logits = nn.Linear(width_in, classes)
    initialise(logits, settings["initializer"], generator)
    return nn.Sequential(*layers, logits)


def optimiser(settings, model):
    name, rate = settings["optimizer"], settings["learning_rate"]
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), lr=rate, momentum=settings["momentum"])
    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=rate, betas=(settings["beta1"], settings["beta2"]), eps=settings["epsilon"])
    raise ValueError(f"optimizer {name}")


def accuracy(model, images, labels):
    model.eval()
    with torch.no_grad():
        hits = (model(images).argmax(1) == labels).sum().item()
    model.train()
    return hits / len(labels)


def objective(trial):
    params = search_space.suggest(trial, request["definition"], request["order"])
    settings = {**request["model"], **request["training"], **params}
    generator = torch.Generator().manual_seed(request["seed"] + trial.number)
    model = build(settings, generator)
    optimizer = optimiser(settings, model)
    batch_size, count = settings["batch_size"], len(train_y)
    best, best_state = -math.inf, None
    for _ in range(settings["epochs"]):
        order = torch.randperm(count, generator=generator)
        loss_sum = 0.0
        for start in range(0, count, batch_size):
            index = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(train_x[index]), train_y[index])
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(index)
        if not math.isfinite(loss_sum):
            break  # diverged: the trial ends with the best epoch so far, if any
        value = accuracy(model, val_x, val_y)
        if value > best:
            best, best_state = value, copy.deepcopy(model.state_dict())
    if best_state is None:
        return float("nan")  # Optuna records it as FAIL
    if test_x is not None:
        model.load_state_dict(best_state)
        trial.set_user_attr("test_accuracy", accuracy(model, test_x, test_y))
    return best


sampler_request = request["sampler"]
if sampler_request["type"] == "tpe":
    sampler = optuna.samplers.TPESampler(seed=sampler_request["seed"])
elif sampler_request["type"] == "random":
    sampler = optuna.samplers.RandomSampler(seed=sampler_request["seed"])
else:
    sampler = optuna.samplers.GridSampler(sampler_request["grid"], seed=sampler_request["seed"])

study = optuna.create_study(direction="maximize", sampler=sampler)
# The configurations our run trained, in its order: both sides then train the same networks.
for params in request.get("enqueue", []):
    study.enqueue_trial(params)
study.optimize(objective, n_trials=request["trials"], n_jobs=request["n_jobs"])
END = time.perf_counter()

usage = resource.getrusage(resource.RUSAGE_SELF)
complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
best = max(complete, key=lambda t: t.value) if complete else None
print(
    json.dumps(
        {
            "optuna": optuna.__version__,
            "torch": torch.__version__,
            "import_seconds": IMPORTED - START,
            "optimize_seconds": END - IMPORTED,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "complete": len(complete),
            "failed": len(study.trials) - len(complete),
            "best_value": best.value if best else None,
            "best_test_accuracy": best.user_attrs.get("test_accuracy") if best else None,
            "configurations": [t.params for t in sorted(study.trials, key=lambda t: t.number)],
        }
    )
)
