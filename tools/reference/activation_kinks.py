#!/usr/bin/python3
"""Write PyTorch's activation gradients at their kinks, the test data of packages/core/test/activation-kinks.test.ts.

Usage: /usr/bin/python3 tools/reference/activation_kinks.py [--out packages/core/test/data/activation_kinks.json]

For each activation: the points x (its kinks, points next to them, and a few ordinary ones), PyTorch's
forward y(x) and the gradient of sum(y) with respect to x, all in float64. Each op runs on one tensor of
all its points, as a training step would.

HardSwish at exactly +3 is written apart: PyTorch 1.13's CPU kernel gives 3/2 in its scalar loop and 1 in
its vectorised loop, so the value depends on where 3 falls in the tensor. `hardswish_at_3` records both:
the one-element tensor (scalar loop, the definition lossgraph follows) and the vectorised one.
"""

import argparse
import json
import os

import torch
import torch.nn.functional as F

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ORDINARY = [-2.5, -0.75, 0.3, 1.7, 4.2]


def near(points, eps=1e-3):
    return sorted({p + d for p in points for d in (-eps, 0.0, eps)} | set(ORDINARY))


# name -> (points, function, lossgraph's attributes)
CASES = {
    "relu": (near([0.0]), F.relu, {}),
    "relu6": (near([0.0, 6.0]), F.relu6, {"min": 0, "max": 6}),
    "hardtanh": (near([-1.0, 1.0]), lambda x: F.hardtanh(x, -1.0, 1.0), {"min": -1, "max": 1}),
    "leaky_relu": (near([0.0]), lambda x: F.leaky_relu(x, 0.1), {"alpha": 0.1}),
    "hardsigmoid": (near([-3.0, 3.0]), F.hardsigmoid, {"alpha": 1 / 6, "beta": 0.5}),
    # +3 is left out here (see the module doc)
    "hardswish": ([p for p in near([-3.0, 3.0]) if p != 3.0], F.hardswish, {}),
    "sigmoid": (near([0.0]), torch.sigmoid, {}),
    "tanh": (near([0.0]), torch.tanh, {}),
}


def run(fn, points):
    x = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    y = fn(x)
    y.sum().backward()
    return y.detach().tolist(), x.grad.tolist()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(REPO, "packages", "core", "test", "data", "activation_kinks.json"))
    args = parser.parse_args()
    out = {"generator": f"tools/reference/activation_kinks.py, torch {torch.__version__}", "cases": {}}
    for name, (points, fn, attrs) in CASES.items():
        y, grad = run(fn, points)
        out["cases"][name] = {"attrs": attrs, "x": points, "y": y, "grad": grad}
    _, scalar = run(F.hardswish, [3.0])
    _, vectorised = run(F.hardswish, [3.0] * 32)
    out["hardswish_at_3"] = {"scalar": scalar[0], "vectorised": vectorised[0]}
    # one line per case keeps the file short and its diffs readable
    lines = [f'  "{k}": {json.dumps(v)}' for k, v in out["cases"].items()]
    text = (f'{{\n "generator": {json.dumps(out["generator"])},\n "cases": {{\n' + ",\n".join(lines) +
            f'\n }},\n "hardswish_at_3": {json.dumps(out["hardswish_at_3"])}\n}}\n')
    json.loads(text)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
