"""What a checkpoint costs PyTorch: the peer of bench/checkpoint.ts.

stdin: {"model": "mlp" | "cnn", "pixels", "filters", "hidden", "learning_rate", "batch_size", "times", "path", "seed"}
stdout: one line {"version", "bytes", "save_ms": [per save]}

The same model as bench/python/train.py, and Adam after one step (so that its moments exist), saved
as a PyTorch user saves a checkpoint: torch.save({"model": state_dict, "optimizer": state_dict,
"epoch"}) to a temporary file, fsync, then os.replace onto the checkpoint's name, `times` times.
"""
import json
import os
import sys
import time

import torch
from torch.nn import functional as F

import seed_models

request = json.load(sys.stdin)
torch.set_num_threads(1)
torch.manual_seed(request["seed"])
pixels = request["pixels"]
model = seed_models.build(request["model"], pixels, request["hidden"], request["filters"])
if request["model"] == "mlp":
    inputs = torch.rand(request["batch_size"], pixels)
else:
    side = seed_models.side_of(pixels)
    inputs = torch.rand(request["batch_size"], 1, side, side)
optimizer = torch.optim.Adam(model.parameters(), lr=request["learning_rate"])
F.cross_entropy(model(inputs), torch.randint(0, 10, (request["batch_size"],))).backward()
optimizer.step()

path = request["path"]
save_ms = []
for epoch in range(request["times"]):
    started = time.perf_counter()
    temporary = path + ".tmp"
    with open(temporary, "wb") as file:
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    save_ms.append((time.perf_counter() - started) * 1000)
print(json.dumps({"version": torch.__version__, "bytes": os.path.getsize(path), "save_ms": save_ms}))
