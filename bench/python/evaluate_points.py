"""Evaluates the Python test functions on points chosen by the TypeScript side, which compares
the values with its own: the self-check that both implementations are the same function.

stdin: {"points": [{"function": name, "params": {...}}, ...]}; stdout: one line, the values.
"""
import json
import sys

from test_functions import FUNCTIONS

request = json.load(sys.stdin)
print(json.dumps([FUNCTIONS[point["function"]](point["params"]) for point in request["points"]]))
