"""The two models of bench:train and bench:checkpoint in PyTorch (bench/seed-models.ts has ours).

build(kind, pixels, hidden, filters): the seeds' baseline MLP (pixels-hidden-hidden-10, ReLU) or
report 004's CNN (5x5 convolution with 'same' padding, ReLU, 2x2 max-pool, dense hidden ReLU,
10 logits) on square images of `pixels` pixels, which it takes as (N, 1, side, side).
"""
from torch import nn


def side_of(pixels):
    return int(round(pixels ** 0.5))


def build(kind, pixels, hidden, filters):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(pixels, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    side = side_of(pixels)
    return nn.Sequential(
        nn.Conv2d(1, filters, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(filters * (side // 2) ** 2, hidden),
        nn.ReLU(),
        nn.Linear(hidden, 10),
    )
