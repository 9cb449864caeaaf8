#!/usr/bin/python3
"""Write the MultiBoxLoss fixtures (FIXTURES.md) and the default-box reference files.

Usage: /usr/bin/python3 tools/reference/make_fixtures.py [--out fixtures] [--dbox-out DIR] [--only NAME ...]

Each case draws its inputs from a fixed seed; a draw that does not exercise what the case is for, or
whose discrete decisions (matching, threshold, mining) sit within float32 rounding of flipping, is
rejected and the next seed is tried, so the output is deterministic. The seed used is recorded in the
file's `generator` metadata.
"""

import argparse
import os
import sys

import numpy as np

from lossgraph_ref import cases, checks, dbox, fixture, safetensors_io

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAX_TRIES = 50


def evaluate(case, seed):
    """(tensors, metadata, problems) of one draw of a case."""
    inputs, options = case.build(np.random.default_rng(seed))
    generator = fixture.generator_text(f"case {case.name}, seed {seed}: {case.description}")
    tensors, metadata, result = fixture.build(inputs, options, generator)
    problems = checks.finite_problems(tensors)
    problems += checks.match_problems(result, options.jaccard_thresh, case.allow_exact_ties)
    problems += checks.mining_problems(result)
    if case.verify is not None:
        problems += case.verify(inputs, result, options)
    return tensors, metadata, problems


def make_case(case):
    """The first draw of `case` (seeds case.seed, case.seed + 1, ...) that passes every check."""
    problems = []
    for seed in range(case.seed, case.seed + MAX_TRIES):
        tensors, metadata, problems = evaluate(case, seed)
        if not problems:
            return tensors, metadata, seed
        print(f"  {case.name}: seed {seed} rejected: {problems[0]}", file=sys.stderr)
    raise AssertionError(f"{case.name}: no acceptable draw in {MAX_TRIES} seeds; last: {problems}")


def write_dboxes(folder):
    """Write dbox_ssd300.safetensors and dbox_ssd512.safetensors (tensor `dbox`, F32 [P, 4])."""
    os.makedirs(folder, exist_ok=True)
    for name, cfg in dbox.PRESETS.items():
        boxes = dbox.make_dbox_list(cfg).numpy()
        metadata = {"generator": fixture.generator_text(f"dbox.make_dbox_list({name})"),
                    "config": repr(cfg)}
        path = os.path.join(folder, f"dbox_{name}.safetensors")
        size = safetensors_io.write(path, {"dbox": boxes}, metadata)
        print(f"{path}: {boxes.shape[0]} boxes, {size} bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "fixtures"), help="fixture folder")
    parser.add_argument("--dbox-out", default=os.path.join(REPO, "packages", "core", "test", "data"),
                        help="folder for dbox_ssd300/512.safetensors ('' to skip)")
    parser.add_argument("--only", nargs="*", help="case names to write (default: all)")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    selected = [c for c in cases.CASES if not args.only or c.name in args.only]
    total = 0
    for case in selected:
        tensors, metadata, seed = make_case(case)
        path = os.path.join(args.out, f"{case.name}.safetensors")
        size = fixture.write(path, tensors, metadata)
        total += size
        print(f"{path}: seed {seed}, loss_l {float(tensors['loss_l']):.6g}, "
              f"loss_c {float(tensors['loss_c']):.6g}, num_pos {tensors['num_pos'].tolist()}, "
              f"{size} bytes")
    print(f"{len(selected)} fixtures, {total} bytes")
    if args.dbox_out:
        write_dboxes(args.dbox_out)


if __name__ == "__main__":
    main()
