#!/usr/bin/python3
"""Run the seed's float32 MultiBoxLoss on fixture files and compare with their expected values.

Usage: /usr/bin/python3 tools/reference/check_original.py [FILE.safetensors ...]   (default: fixtures/*)

The seed cannot run every fixture: it fails on an image without truths and hard-codes the variances
(0.1, 0.2); such files are reported as skipped. Agreement is judged with the backend tolerances of
docs/FIXTURES.md (the seed computes in float32). Exit status 1 when a file that could run disagrees.
"""

import glob
import os
import sys

import numpy as np
import torch

from lossgraph_ref import fixture, safetensors_io
from lossgraph_ref.losses.multibox.original import MultiBoxLoss

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def check(path):
    """Print the comparison for one file; False only when it ran and disagreed."""
    name = os.path.basename(path)
    _, metadata = safetensors_io.read(path)
    if fixture.loss_of(metadata) != ("multibox", "seed"):
        print(f"{name}: skipped (loss {fixture.loss_of(metadata)}: not the seed's)")
        return True
    tensors, metadata, options = fixture.read(path, scalar_shapes=((), (1,)))
    if (tensors["num_objs"] == 0).any():
        print(f"{name}: skipped (an image has no truths; the seed cannot match it)")
        return True
    if tuple(options.variances) != (0.1, 0.2):
        print(f"{name}: skipped (variance {options.variances}; the seed hard-codes 0.1,0.2)")
        return True
    loc = torch.from_numpy(tensors["loc_data"]).requires_grad_(True)
    conf = torch.from_numpy(tensors["conf_data"]).requires_grad_(True)
    targets = [torch.from_numpy(tensors["targets"][b, :n]) for b, n in enumerate(tensors["num_objs"])]
    loss = MultiBoxLoss(options.jaccard_thresh, options.neg_pos)
    loss_l, loss_c = loss((loc, conf, torch.from_numpy(tensors["dbox_list"])), targets)
    (loss_l + loss_c).backward()
    errors = {}
    for key, got in (("loss_l", loss_l), ("loss_c", loss_c)):
        want = float(np.asarray(tensors[key]).reshape(-1)[0])
        errors[key] = abs(float(got) - want) / max(1.0, abs(want))
    for key, got in (("grad_loc", loc.grad), ("grad_conf", conf.grad)):
        want = tensors[key]
        errors[key] = float(np.abs(got.numpy() - want).max()) / max(1e-3, float(np.abs(want).max()))
    ok = all(value <= 1e-4 for value in errors.values())
    text = ", ".join(f"{key} {value:.2e}" for key, value in errors.items())
    print(f"{name}: {'agrees' if ok else 'DISAGREES'} (scaled errors: {text})")
    return ok


def main():
    paths = sys.argv[1:] or sorted(p for p in glob.glob(os.path.join(REPO, "fixtures", "*.safetensors"))
                                   if not os.path.basename(p).startswith("train_"))  # training steps: check_train_sample.py
    ok = [check(path) for path in paths]
    sys.exit(0 if all(ok) else 1)


if __name__ == "__main__":
    main()
