"""The yolov8 fixtures (docs/FIXTURES.md, section "yolov8") from the float64 reference (reference.py).

Each case (cases.py) draws its inputs from a fixed seed. A draw is rejected, and the next seed tried, when it
misses what the case is for or when a discrete decision sits near a flip: an anchor centre within 1e-3 px of
a truth's edge (exactly on it is fine: the test is strict), an in-box CIoU within 1e-4 of 0, a truth's k-th
and (k+1)-th alignment within 1e-3 relative, a contested anchor's two best overlaps within 1e-4 (unless
exactly equal), an assignment or loss that changes with the top-k tie order (lowest index first, highest
first, torch.topk's), or a float32 run that assigns differently. The seed used is in `generator`.
"""

import numpy as np
import torch

from .cases import CASES, IMAGE, STRIDES, margin_problems, run

__all__ = ["CASES", "MAX_TRIES", "evaluate"]

MAX_TRIES = 60
UPSTREAM_COMMIT = "e4e61103361afa229d84d4ecb392fbd874e55922"
UPSTREAM_FILES = ("ultralytics/utils/loss.py@e4e61103361afa229d84d4ecb392fbd874e55922 "
                  "ultralytics/utils/metrics.py@e4e61103361afa229d84d4ecb392fbd874e55922 "
                  "ultralytics/utils/tal.py@6794f38e3e38b42f8b0ae21f09a5c5c6a184199c")
# the committed files' `generator` begins with the script and module that wrote them at the time
# (now make_fixtures.py --loss yolov8 and this folder's reference.py); kept so a regeneration is byte-identical
GENERATOR = ("tools/reference/make_yolov8_fixtures.py (lossgraph_ref/yolov8.py, an independent float64 "
             "port of the 8.3 form)")


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
        "generator": f"{GENERATOR}, torch {torch.__version__}; case {case.name}, seed {seed}: {case.description}",
    }


def evaluate(case, seed):
    """(tensors, metadata, problems) of one draw of a case."""
    inputs, opts = case.build(np.random.default_rng(seed))
    result = run(inputs, opts)
    problems = margin_problems(inputs, opts, result)
    if case.verify is not None:
        problems += case.verify(inputs, result)
    finite = all(np.isfinite(x).all() for x in (result.grad_pred_distri.numpy(), result.grad_pred_scores.numpy()))
    if not finite:
        problems.append("non-finite gradient")
    return tensors_of(inputs, result), metadata_of(case, seed, inputs, opts), problems
