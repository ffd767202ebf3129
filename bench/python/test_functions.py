"""The search-quality objectives, line for line as in bench/test-functions.ts (see there for the
definitions and minima). All minimised; each takes the params dict a trial suggested."""
import math


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]


def hartmann6(p):
    x = [p["x%d" % (j + 1)] for j in range(6)]
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            inner += HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j] * 1e-4) ** 2
        total += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -total


ROSENBROCK_SHIFT = [7.1, -2.3, 4.4, 0.6]


def rosenbrock4(p):
    z = [p["x%d" % (i + 1)] - ROSENBROCK_SHIFT[i] + 1 for i in range(4)]
    total = 0.0
    for i in range(3):
        total += 100 * (z[i + 1] - z[i] ** 2) ** 2 + (1 - z[i]) ** 2
    return total


def mixed(p):
    if p["model"] == "quadratic":
        value = (p["a"] - 1.5) ** 2 + (p["b"] + 0.5) ** 2
    else:
        c = p["c"]
        value = 0.5 + 0.05 * (c - 7) ** 2 + 0.3 * (1 - math.cos(2 * math.pi * (c - 7))) + (0.25 if p["shape"] == "sharp" else 0)
    return value + 0.1 * (p["layers"] - 3) ** 2 + 0.5 * (math.log10(p["lr"]) + 2.5) ** 2


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6, "rosenbrock4": rosenbrock4, "mixed": mixed}
