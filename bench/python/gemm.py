"""GFLOP/s of torch.mm on one thread: the GEMM column of bench/train.ts.

stdin: {"shapes": [[m, k, n, transpose_a, transpose_b], ...], "seconds": per shape}
stdout: one line {"version", "threads", "interop_threads", "gflops": [per shape]}

Each product C = op(A) op(B) is m x k times k x n (2 m k n flops), timed over repeated calls for
about `seconds` after a few untimed ones; the figure is the best of five such rounds (the limit
this side works against, undisturbed by a passing load). Run with OMP_NUM_THREADS=1 (bench/optuna-peer.ts
ONE_THREAD); both thread pools are also set to one here and reported back.
"""
import json
import sys
import time

import torch

request = json.load(sys.stdin)
torch.set_num_threads(1)
torch.set_num_interop_threads(1)
torch.manual_seed(1)


def rate(m, k, n, transpose_a, transpose_b, seconds):
    a = torch.randn(k, m) if transpose_a else torch.randn(m, k)
    b = torch.randn(n, k) if transpose_b else torch.randn(k, n)
    left = a.t() if transpose_a else a
    right = b.t() if transpose_b else b
    for _ in range(3):
        torch.mm(left, right)
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            torch.mm(left, right)
        if time.perf_counter() - start > seconds / 5:
            break
        calls *= 2
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            torch.mm(left, right)
        best = min(best, (time.perf_counter() - start) / calls)
    return 2 * m * k * n / best / 1e9


gflops = [rate(*shape, request["seconds"]) for shape in request["shapes"]]
print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(), "gflops": gflops}))
