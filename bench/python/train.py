"""Training throughput of PyTorch on one thread: the peer of bench/train.ts.

stdin: {"images": path, "labels": path, "count", "pixels", "model": "mlp" | "cnn", "filters",
        "hidden", "epochs", "warmup", "batch_size", "learning_rate", "seed"}
stdout: one line {"version", "epoch_seconds": [per timed epoch], "cpu_seconds": [the same, CPU time of
        the process], "train_loss", "train_accuracy"}

The images are the very arrays our side trains on (raw float32, count x pixels, row-major) and
the labels raw uint8. A plain loop, as one would write it: shuffle the indices once per epoch,
then per batch index the inputs, forward, cross-entropy, backward, Adam step, and add up the
batch's loss and hits (what our side reports as training loss and accuracy). `warmup` epochs
run first, untimed.
"""
import json
import sys
import time

import numpy as np
import torch
from torch.nn import functional as F

import seed_models

request = json.load(sys.stdin)
# One thread, as our side trains: the intra-op pool here, the inter-op pool too, and OpenMP's
# by OMP_NUM_THREADS=1 in the environment (bench/optuna-peer.ts ONE_THREAD).
torch.set_num_threads(1)
torch.set_num_interop_threads(1)
torch.manual_seed(request["seed"])

count, pixels = request["count"], request["pixels"]
images = torch.from_numpy(np.fromfile(request["images"], dtype=np.float32).reshape(count, pixels))
labels = torch.from_numpy(np.fromfile(request["labels"], dtype=np.uint8).astype(np.int64))

model = seed_models.build(request["model"], pixels, request["hidden"], request["filters"])
if request["model"] == "cnn":
    side = seed_models.side_of(pixels)
    images = images.reshape(count, 1, side, side)
optimizer = torch.optim.Adam(model.parameters(), lr=request["learning_rate"])
batch_size = request["batch_size"]


def epoch():
    loss_sum, hits = 0.0, 0
    order = torch.randperm(count)
    for start in range(0, count, batch_size):
        index = order[start : start + batch_size]
        x, y = images[index], labels[index]
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(index)
        hits += (logits.argmax(1) == y).sum().item()
    return loss_sum / count, hits / count


for _ in range(request["warmup"]):
    epoch()
seconds, cpu_seconds = [], []
for _ in range(request["epochs"]):
    start, cpu_start = time.perf_counter(), time.process_time()
    loss, accuracy = epoch()
    seconds.append(time.perf_counter() - start)
    cpu_seconds.append(time.process_time() - cpu_start)

print(json.dumps({"version": torch.__version__, "epoch_seconds": seconds, "cpu_seconds": cpu_seconds, "train_loss": loss, "train_accuracy": accuracy}))
