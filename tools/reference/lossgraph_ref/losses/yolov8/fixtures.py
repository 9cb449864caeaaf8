#!/usr/bin/python3
"""Write the yolov8 fixtures (docs/FIXTURES.md, section "yolov8") from the float64 reference lossgraph_ref/yolov8.py.

Usage: /usr/bin/python3 tools/reference/make_yolov8_fixtures.py [--out fixtures] [--only NAME ...]

Each case (lossgraph_ref/yolov8_cases.py) draws its inputs from a fixed seed. A draw is rejected, and the
next seed tried, when it misses what the case is for or when a discrete decision sits near a flip: an anchor
centre within 1e-3 px of a truth's edge (exactly on it is fine: the test is strict), an in-box CIoU within 1e-4
of 0, a truth's k-th and (k+1)-th alignment within 1e-3 relative, a contested anchor's two best overlaps within
1e-4 (unless exactly equal), an assignment or loss that changes with the top-k tie order (lowest index first,
highest first, torch.topk's), or a float32 run that assigns differently. The seed used is in `generator`.
"""

import argparse
import os
import sys

import numpy as np
import torch

from lossgraph_ref import safetensors_io
from lossgraph_ref.yolov8_cases import CASES, IMAGE, STRIDES, margin_problems, run

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAX_TRIES = 60
UPSTREAM_COMMIT = "e4e61103361afa229d84d4ecb392fbd874e55922"
UPSTREAM_FILES = ("ultralytics/utils/loss.py@e4e61103361afa229d84d4ecb392fbd874e55922 "
                  "ultralytics/utils/metrics.py@e4e61103361afa229d84d4ecb392fbd874e55922 "
                  "ultralytics/utils/tal.py@6794f38e3e38b42f8b0ae21f09a5c5c6a184199c")


def tensors_of(inputs, result):
    out = dict(inputs)
    for name in ("loss_box", "loss_cls", "loss_dfl"):
        out[name] = np.array(getattr(result, name), dtype=np.float64)
    out["grad_pred_distri"] = result.grad_pred_distri.numpy().astype(np.float32)
    out["grad_pred_scores"] = result.grad_pred_scores.numpy().astype(np.float32)
    out["fg_mask"] = result.fg_mask.numpy().astype(np.int64)
    out["target_gt_idx"] = result.target_gt_idx.numpy().astype(np.int64)
    return out


def metadata_of(case, seed, inputs, opts):
    a = inputs["anchor_points"].shape[0]
    image = {336: IMAGE, 525: (160, 160)}[a]
    return {
        "loss": "yolov8",
        "reg_max": str(opts.reg_max),
        "num_classes": str(inputs["pred_scores"].shape[2]),
        "image_size": f"{image[0]},{image[1]}",
        "strides": ",".join(str(s) for s in STRIDES),
        "box_gain": repr(opts.box_gain),
        "cls_gain": repr(opts.cls_gain),
        "dfl_gain": repr(opts.dfl_gain),
        "tal_topk": str(opts.topk),
        "tal_alpha": repr(opts.alpha),
        "tal_beta": repr(opts.beta),
        "upstream_commit": UPSTREAM_COMMIT,
        "upstream_files": UPSTREAM_FILES,
        "generator": (f"tools/reference/make_yolov8_fixtures.py (lossgraph_ref/yolov8.py, an independent float64 "
                      f"port of the 8.3 form), torch {torch.__version__}; case {case.name}, seed {seed}: "
                      f"{case.description}"),
    }


def make(case):
    for seed in range(case.seed, case.seed + MAX_TRIES):
        inputs, opts = case.build(np.random.default_rng(seed))
        result = run(inputs, opts)
        problems = margin_problems(inputs, opts, result)
        if case.verify is not None:
            problems += case.verify(inputs, result)
        finite = all(np.isfinite(x).all() for x in (result.grad_pred_distri.numpy(), result.grad_pred_scores.numpy()))
        if not finite:
            problems.append("non-finite gradient")
        if not problems:
            return tensors_of(inputs, result), metadata_of(case, seed, inputs, opts), seed, result
        print(f"  {case.name} seed {seed}: rejected ({'; '.join(problems[:3])})", file=sys.stderr)
    raise SystemExit(f"{case.name}: no acceptable draw in {MAX_TRIES} seeds")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # a folder of its own until the fixture reader knows the yolov8 table (it lists fixtures/*.safetensors)
    parser.add_argument("--out", default=os.path.join(REPO, "fixtures"))
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args(argv[1:])
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        tensors, metadata, seed, result = make(case)
        path = os.path.join(args.out, case.name + ".safetensors")
        safetensors_io.write(path, tensors, metadata)
        print(f"{path}: seed {seed}, positives {int(result.fg_mask.sum())}, losses "
              f"{result.loss_box:.6g} {result.loss_cls:.6g} {result.loss_dfl:.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
