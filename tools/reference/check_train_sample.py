#!/usr/bin/python3
"""Recompute training-step fixtures from their ONNX model alone and compare with the stored values.

Usage: /usr/bin/python3 tools/reference/check_train_sample.py [FILE.safetensors ...]

Default: the independent sample train_sample_vgg_bn.safetensors (/work/wt/shared/fixtures or
/work/shared/fixtures, when present) and the repository's fixtures/train_*.safetensors. The model is rebuilt from `model_onnx` by running its graph in PyTorch in float64
(lossgraph_ref/onnx_torch.py, no PyTorch module involved), trained as docs/FIXTURES.md "Training steps" says
with the loss and optimizer of the metadata, and every stored quantity is compared in the docs/FIXTURES.md norm
against the file's own `<q>_tolerance`; the `train_` outputs (not part of the bar) against `eval_tolerance`.
Exit status 1 when a file disagrees.
"""

import glob
import os
import sys

import numpy as np
import torch

from lossgraph_ref import safetensors_io, training
from lossgraph_ref.onnx_torch import OnnxModel

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = ("/work/wt/shared/fixtures/train_sample_vgg_bn.safetensors",
            "/work/shared/fixtures/train_sample_vgg_bn.safetensors")


def recompute(tensors, metadata):
    """The float64 `Run` of a fixture's ONNX model on its batch."""
    model = OnnxModel(tensors["model_onnx"].tobytes(), torch.float64, float(metadata["batchnorm_momentum"]))
    images = torch.from_numpy(tensors["images"].astype(np.float32)).double()

    def forward(training_mode):
        return model.forward(images, training_mode)

    return training.train(forward, model.params, model.state, training.make_loss(metadata, tensors), metadata,
                          int(metadata["steps"])), model


def check(path):
    tensors, metadata = safetensors_io.read(path)
    want = training.run_from_fixture(tensors, metadata)
    got, model = recompute(tensors, metadata)
    ok = True
    missing = sorted(set(model.params) ^ set(want.params)) + sorted(set(model.state) ^ set(want.state))
    if missing:
        print(f"{path}: parameter/state names differ: {missing}")
        ok = False
    errs = training.errors(got, want)
    errs["train"] = training.tensor_error(got.train_out, want.train_out)
    shared = [n for n, c in model.uses().items() if c > 1 and n in model.params]
    print(f"{os.path.basename(path)}: {len(model.params)} parameters ({len(shared)} shared), "
          f"{len(model.state)} running stats, {len(model.constants)} constants")
    for q, err in errs.items():
        tol = float(metadata[f"{'eval' if q == 'train' else q}_tolerance"])
        verdict = "ok" if err <= tol else "FAIL"
        ok &= err <= tol
        print(f"  {q:6s} error {err:.3e}  tolerance {tol:.3e}  {verdict}")
    for k in sorted(want.losses):
        print(f"  {k}: stored {want.losses[k]:.12g}  recomputed {got.losses[k]:.12g}")
    return ok


def main(argv):
    samples = [p for p in SAMPLES if os.path.exists(p)][:1]
    if not argv and not samples:
        print(f"independent sample not found at {' or '.join(SAMPLES)}; checking the repository's fixtures only")
    paths = argv or samples + sorted(glob.glob(os.path.join(REPO, "fixtures", "train_*.safetensors")))
    ok = True
    for path in paths:
        ok &= check(path)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
