#!/usr/bin/python3
"""Write the loss fixtures (docs/FIXTURES.md) of every registered loss and their reference data files.

Usage: /usr/bin/python3 tools/reference/make_fixtures.py [--out fixtures] [--dbox-out DIR] [--loss NAME ...]
                                                        [--only NAME ...]

The cases and their expected values come from each registered loss's `fixtures` part
(lossgraph_ref/losses/<loss>/fixtures.py, registry in lossgraph_ref/losses/__init__.py), which says which
oracle computes them (a float64 port, or PyTorch's or torchvision's own loss in float64). `--dbox-out` gets
the default-box and anchor files of packages/core/test/data that the losses write beside their fixtures.

Each case draws its inputs from a fixed seed; a draw that does not exercise what the case is for, or
whose discrete decisions (matching, threshold, mining, assignment) sit within float32 rounding of flipping,
is rejected and the next seed is tried, so the output is deterministic. The seed used is recorded in the
file's `generator` metadata.
"""

import argparse
import os
import sys

from lossgraph_ref import losses, safetensors_io

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def make_case(part, case):
    """The first draw of `case` (seeds case.seed, case.seed + 1, ...) that passes every check."""
    problems = []
    for seed in range(case.seed, case.seed + part.MAX_TRIES):
        tensors, metadata, problems = part.evaluate(case, seed)
        if not problems:
            return tensors, metadata, seed
        print(f"  {case.name}: seed {seed} rejected: {'; '.join(problems[:3])}", file=sys.stderr)
    raise SystemExit(f"{case.name}: no acceptable draw in {part.MAX_TRIES} seeds; last: {problems}")


def write_reference_files(parts, folder):
    """Write the default-box and anchor files of the selected losses."""
    os.makedirs(folder, exist_ok=True)
    for part in parts:
        for name, tensors, metadata in getattr(part, "reference_files", list)():
            path = os.path.join(folder, name)
            size = safetensors_io.write(path, tensors, metadata)
            print(f"{path}: {', '.join(f'{k} {list(v.shape)}' for k, v in tensors.items())}, {size} bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "fixtures"), help="fixture folder")
    parser.add_argument("--dbox-out", default=os.path.join(REPO, "packages", "core", "test", "data"),
                        help="folder for the default-box and anchor files ('' to skip)")
    parser.add_argument("--loss", nargs="*", choices=list(losses.LOSSES), help="losses to write (default: all)")
    parser.add_argument("--only", nargs="*", help="case names to write (default: all)")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    parts = [e.part("fixtures") for e in losses.with_part("fixtures") if not args.loss or e.name in args.loss]
    selected = [(part, case) for part in parts for case in part.CASES if not args.only or case.name in args.only]
    unknown = set(args.only or ()) - {case.name for _, case in selected}
    if unknown:
        raise SystemExit(f"unknown cases {sorted(unknown)}")
    total = 0
    for part, case in selected:
        tensors, metadata, seed = make_case(part, case)
        path = os.path.join(args.out, f"{case.name}.safetensors")
        size = safetensors_io.write(path, tensors, metadata)
        total += size
        terms = ", ".join(f"{k} {float(v):.6g}" for k, v in tensors.items() if k.startswith("loss_"))
        print(f"{path}: seed {seed}, {terms}, {size} bytes")
    print(f"{len(selected)} fixtures, {total} bytes")
    if args.dbox_out:
        write_reference_files(parts, args.dbox_out)


if __name__ == "__main__":
    main()
