#!/usr/bin/python3
"""Write the expected diagnostics of every loss fixture (docs/FIXTURES.md, "Diagnostics").

Usage: /usr/bin/python3 tools/reference/make_diagnostics.py [--fixtures fixtures] [--only NAME ...] [--check]

For each loss fixture `fixtures/NAME.safetensors` (training-step fixtures are skipped) writes
`fixtures/diagnostics/NAME.safetensors`: the outputs of the program's `diagnostics: true`, computed in float64
from the fixture's inputs by its loss's `diagnostics` part (lossgraph_ref/losses/<loss>/diagnostics.py), and
tied back to PyTorch (the fixture's expected losses rebuilt from the per-box values, torchvision's matchers).
Exits 1, writing nothing for that file, when a check fails. `--check` compares with the files already there
instead of writing (integers exact, floats within 1e-6 relative). Deterministic.
"""

import argparse
import os
import sys

import numpy as np

from lossgraph_ref import diagnostics, fixture, safetensors_io

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def loss_fixtures(folder, only):
    for name in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(name)
        if ext != ".safetensors" or name.startswith("train_") or (only and stem not in only):
            continue
        yield stem, os.path.join(folder, name)


def stored_matches(path, arrays):
    old, _ = safetensors_io.read(path)
    if set(old) != set(arrays):
        return False
    for name, a in arrays.items():
        b = old[name]
        if a.dtype.kind == "f":
            if not np.allclose(a, b, rtol=1e-6, atol=1e-6):
                return False
        elif not np.array_equal(a, b):
            return False
    return True


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", default=os.path.join(REPO, "fixtures"))
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv[1:])
    out_dir = os.path.join(args.fixtures, "diagnostics")
    os.makedirs(out_dir, exist_ok=True)
    failed = False
    for stem, path in loss_fixtures(args.fixtures, set(args.only)):
        tensors, metadata = safetensors_io.read(path)
        loss, profile = fixture.loss_of(metadata)
        values, checks = diagnostics.compute(tensors, metadata)
        bad = [f"{k} {d:.3g} > {allowed}" for k, (d, allowed) in checks.items() if not d <= allowed]
        arrays = diagnostics.stored(values)
        target = os.path.join(out_dir, f"{stem}.safetensors")
        summary = ", ".join(f"{k} {list(a.shape)}" for k, a in arrays.items())
        if bad:
            failed = True
            print(f"{stem}: FAIL {'; '.join(bad)}", file=sys.stderr)
            continue
        if args.check:
            ok = os.path.exists(target) and stored_matches(target, arrays)
            failed = failed or not ok
            print(f"{stem}: {'ok' if ok else 'DIFFERS'}")
            continue
        metadata_out = {"fixture": stem, "loss": loss,
                        "generator": fixture.generator_text("tools/reference/make_diagnostics.py")}
        if profile is not None:
            metadata_out["profile"] = profile
        safetensors_io.write(target, arrays, metadata_out)
        print(f"{stem}: {summary}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
