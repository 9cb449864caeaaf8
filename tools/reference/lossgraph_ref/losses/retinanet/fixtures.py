"""The `retinanet` fixtures (docs/FIXTURES.md), whose expected values come from torchvision's own
RetinaNet.compute_loss (torchvision_ref.py): their schema, the tensors and metadata of one draw of a case
(cases.py), the ways a draw is unsafe for float32 backends (the checks of `checks.py`, adapted), so the
generator can reject it, and the anchor file of packages/core/test/data.
"""

import math

import numpy as np
import torch
import torchvision

from ... import checks, fixture
from .cases import CASES, FPN_128
from .torchvision_ref import anchor_grid, retinanet_loss

MAX_TRIES = 50

__all__ = ["CASES", "MAX_TRIES", "METADATA_KEYS", "SCHEMA", "evaluate", "reference_files"]

TOL = checks.TOL
RETINANET_INPUTS = ("cls_logits", "bbox_regression", "anchors", "targets", "num_objs")
# agreement required of torchvision's own float32 run with the float64 values: ten times tighter than
# the backend tolerances, so a float32 backend is never near the edge
FLOAT32_SLACK = 0.1


def _float(value):
    return repr(float(value))


SCHEMA = {
    "cls_logits": ("F32", ("B", "A", "C")),
    "bbox_regression": ("F32", ("B", "A", 4)),
    "anchors": ("F32", ("A", 4)),
    "targets": ("F32", ("B", "M", 5)),
    "num_objs": ("I32", ("B",)),
    "loss_cls": ("F64", ()),
    "loss_box": ("F64", ()),
    "grad_cls_logits": ("F32", ("B", "A", "C")),
    "grad_bbox_regression": ("F32", ("B", "A", 4)),
    "matched_idxs": ("I64", ("B", "A")),
}

METADATA_KEYS = ("loss", "fg_iou_thresh", "bg_iou_thresh", "focal_alpha", "focal_gamma", "box_loss",
                 "num_classes", "generator")


def retinanet_metadata(options, num_classes, generator):
    metadata = {
        "loss": "retinanet",
        "fg_iou_thresh": _float(options.fg_iou_thresh),
        "bg_iou_thresh": _float(options.bg_iou_thresh),
        "focal_alpha": _float(options.focal_alpha),
        "focal_gamma": _float(options.focal_gamma),
        "box_loss": options.box_loss,
        "num_classes": str(int(num_classes)),
        "generator": generator,
    }
    if not options.allow_low_quality_matches:
        metadata["allow_low_quality_matches"] = "false"  # written only when not torchvision's default
    return metadata


def build_retinanet(inputs, options, generator):
    """(tensors, metadata, result) of a retinanet fixture."""
    result = retinanet_loss(inputs, options)
    tensors = {name: inputs[name] for name in RETINANET_INPUTS}
    tensors.update({
        "loss_cls": np.array(result.loss_cls, dtype=np.float64),
        "loss_box": np.array(result.loss_box, dtype=np.float64),
        "grad_cls_logits": result.grad_cls_logits.astype(np.float32),
        "grad_bbox_regression": result.grad_bbox_regression.astype(np.float32),
        "matched_idxs": result.matched_idxs.astype(np.int64),
    })
    metadata = retinanet_metadata(options, inputs["cls_logits"].shape[2], generator)
    fixture.validate(tensors, metadata, "<new fixture>")
    return tensors, metadata, result


def _top_two_gap(values):
    if values.numel() < 2:
        return math.inf
    top = torch.topk(values, 2).values
    return float(top[0] - top[1])


def retinanet_match_problems(result, options, allow_exact_ties=False):
    """Matching decisions within TOL of flipping: IoUs near a threshold, near-ties for a truth's best
    anchors (low-quality matches restore every tied anchor), near-ties for a matched anchor's best truth.
    Exact ties are refused unless deliberate (then they must be exact in float32 too: the case's job)."""
    problems = []
    for b, iou in enumerate(result.ious):
        if iou is None:
            continue
        best = iou.max(0).values
        for name, thresh in (("fg", options.fg_iou_thresh), ("bg", options.bg_iou_thresh)):
            near = float((best - thresh).abs().min())
            if near < TOL:
                problems.append(f"image {b}: an anchor's IoU is within {near:.2e} of the {name} threshold")
        for t in range(iou.size(0)):
            top = float(iou[t].max())
            if top < TOL:
                problems.append(f"image {b}: truth {t} overlaps no anchor")
                continue
            below = top - iou[t]
            near = below[(below > 0) & (below < TOL)]
            if near.numel():
                problems.append(f"image {b}: truth {t} has an anchor within {float(near.min()):.2e} of its best IoU")
            if int((below == 0).sum()) > 1 and not allow_exact_ties:
                problems.append(f"image {b}: truth {t} has an exact tie for its best anchor")
        matched = torch.from_numpy(result.matched_idxs[b]) >= 0
        for a in torch.nonzero(matched).flatten().tolist():
            gap = _top_two_gap(iou[:, a])
            if not (gap >= TOL or (allow_exact_ties and gap == 0)):
                problems.append(f"image {b}: anchor {a} best-truth gap {gap:.2e}")
                break
    return problems


def retinanet_float32_problems(inputs, options, result):
    """torchvision's own float32 run must match the float64 matching exactly and its numbers well
    within the backend tolerances (catches gradients that jump, e.g. at the decode clamp or where two
    box edges meet)."""
    r32 = retinanet_loss(inputs, options, dtype=torch.float32)
    problems = []
    if not np.array_equal(r32.matched_idxs, result.matched_idxs):
        problems.append("float32 matching differs from float64")
    for name in ("loss_cls", "loss_box"):
        want, got = getattr(result, name), getattr(r32, name)
        if abs(got - want) > FLOAT32_SLACK * 1e-4 * max(1.0, abs(want)):
            problems.append(f"float32 {name} off by {abs(got - want):.2e}")
    for name in ("grad_cls_logits", "grad_bbox_regression"):
        want, got = getattr(result, name), getattr(r32, name)
        err = float(np.abs(got - want).max(initial=0.0))
        if err > FLOAT32_SLACK * 1e-4 * max(1e-3, float(np.abs(want).max(initial=0.0))):
            problems.append(f"float32 {name} off by {err:.2e}")
    return problems


def decode_clamp_problems(inputs, result, options):
    """Foreground dw, dh within TOL of torchvision's decode clamp log(1000/16) (IoU-based box losses)."""
    if options.box_loss in ("l1", "smooth_l1"):
        return []
    clip = math.log(1000.0 / 16)
    fg = result.matched_idxs >= 0
    d = inputs["bbox_regression"][..., 2:][fg].astype(np.float64)
    near = np.abs(d - clip)
    return [f"a foreground dw/dh is within {near.min():.2e} of the decode clamp"] if near.size and near.min() < TOL else []


def retinanet_problems(inputs, options, result, allow_exact_ties=False):
    tensors_finite = checks.finite_problems({"grad_cls_logits": result.grad_cls_logits,
                                             "grad_bbox_regression": result.grad_bbox_regression,
                                             "loss": np.array([result.loss_cls, result.loss_box])})
    return (tensors_finite + retinanet_match_problems(result, options, allow_exact_ties)
            + decode_clamp_problems(inputs, result, options) + retinanet_float32_problems(inputs, options, result))


def evaluate(case, seed):
    """(tensors, metadata, problems) of one draw of a case."""
    inputs, options = case.build(np.random.default_rng(seed))
    generator = fixture.generator_text(f"torchvision {torchvision.__version__}; case {case.name}, "
                                       f"seed {seed}: {case.description}")
    tensors, metadata, result = build_retinanet(inputs, options, generator)
    problems = retinanet_problems(inputs, options, result, case.allow_exact_ties)
    if case.verify is not None:
        problems += case.verify(inputs, result, options)
    return tensors, metadata, problems


def reference_files():
    """(file name, tensors, metadata) of the files written beside the default boxes: torchvision's anchors."""
    anchors = anchor_grid(**FPN_128)
    # the generator text names the module that held FPN_128 when the file was first written
    metadata = {"generator": fixture.generator_text("torchvision AnchorGenerator, tv_cases.FPN_128"),
                "config": repr(FPN_128)}
    return [("anchors_retinanet_128.safetensors", {"anchors": anchors}, metadata)]
