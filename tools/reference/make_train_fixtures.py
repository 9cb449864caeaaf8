#!/usr/bin/python3
"""Write the training-step fixtures (docs/FIXTURES.md "Training steps") to fixtures/train_*.safetensors.

Usage: /usr/bin/python3 tools/reference/make_train_fixtures.py [--out fixtures] [--only NAME ...]

Each case (lossgraph_ref/train_cases.py) starts from a fixed seed; a draw with a problem (an activation at
a kink, a MaxPool near-tie, a matching or mining decision near flipping, a float32 PyTorch run that matches
or mines differently, a parameter without gradient) is rejected and the next seed tried. Runs single-threaded
so the measured float32 errors, hence the tolerances, are deterministic.
"""

import argparse
import os
import sys

import torch

from lossgraph_ref import train_cases, train_fixtures

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAX_TRIES = 40


def make(case, out):
    for seed in range(case.first_seed, case.first_seed + MAX_TRIES):
        tensors, metadata, problems = train_fixtures.build(case, seed)
        if problems:
            print(f"{case.name}: seed {seed} rejected: {problems[:3]}{' ...' if len(problems) > 3 else ''}",
                  file=sys.stderr)
            continue
        path = os.path.join(out, f"{case.name}.safetensors")
        size = train_fixtures.write(path, tensors, metadata)
        tolerances = ", ".join(f"{q} {metadata[f'{q}_tolerance']}" for q in ("loss", "grad", "param", "state", "eval"))
        print(f"{case.name}: seed {seed}, {size} bytes; tolerances {tolerances}")
        return
    raise SystemExit(f"{case.name}: no usable draw in {MAX_TRIES} seeds")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "fixtures"))
    parser.add_argument("--only", nargs="*", default=None, help="case names")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    names = args.only or [case.name for case in train_cases.CASES]
    unknown = [n for n in names if n not in train_cases.BY_NAME]
    if unknown:
        raise SystemExit(f"unknown cases {unknown}; known: {sorted(train_cases.BY_NAME)}")
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        make(train_cases.BY_NAME[name], args.out)


if __name__ == "__main__":
    main(sys.argv[1:])
