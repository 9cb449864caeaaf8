"""Fixtures whose expected values come from torchvision's own losses (torchvision_ref): the `retinanet`
loss and the multibox `torchvision` profile. Build the tensors and metadata, and list the ways a draw
is unsafe for float32 backends (the checks of `checks.py`, adapted), so the generator can reject it.
"""

import math

import numpy as np
import torch

from . import checks, fixture
from .multibox import Options, multibox_loss
from .torchvision_ref import BOX_LOSSES, retinanet_loss, ssd_loss

TOL = checks.TOL
RETINANET_INPUTS = ("cls_logits", "bbox_regression", "anchors", "targets", "num_objs")
# agreement required of torchvision's own float32 run with the float64 values: ten times tighter than
# the backend tolerances, so a float32 backend is never near the edge
FLOAT32_SLACK = 0.1


def _float(value):
    return repr(float(value))


# -- retinanet --------------------------------------------------------------------------------------

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


# -- multibox, torchvision profile -------------------------------------------------------------------

def build_ssd_torchvision(inputs, options, generator):
    """(tensors, metadata, (tv result, seed result)) of a multibox fixture with profile `torchvision`.

    loc_t comes from the seed reference (torchvision does not expose it; the matching is the same, which
    is checked here through conf_t_label and num_pos)."""
    tv = ssd_loss(inputs, options.jaccard_thresh, options.neg_pos, options.variances)
    seed = multibox_loss(inputs["loc_data"], inputs["conf_data"], inputs["dbox_list"], inputs["targets"],
                         inputs["num_objs"], options)
    if not np.array_equal(tv.conf_t_label, seed.conf_t_label.numpy()):
        raise AssertionError("torchvision's SSD matching differs from the seed's on these inputs")
    tensors = {name: inputs[name] for name in fixture.INPUTS}
    tensors.update({
        "loss_l": np.array(tv.loss_l, dtype=np.float64),
        "loss_c": np.array(tv.loss_c, dtype=np.float64),
        "grad_loc": tv.grad_loc.astype(np.float32),
        "grad_conf": tv.grad_conf.astype(np.float32),
        "conf_t_label": tv.conf_t_label.astype(np.int64),
        "loc_t": seed.loc_t.numpy().astype(np.float32),
        "num_pos": tv.num_pos.astype(np.int64),
    })
    metadata = fixture.options_metadata(options, inputs["conf_data"].shape[2], generator, profile="torchvision")
    fixture.validate(tensors, metadata, "<new fixture>")
    return tensors, metadata, (tv, seed)


def double_counted(num_pos, neg_pos, P):
    """How many of an image's positives torchvision's selection reaches (and counts twice): the ranks
    past the P - num_pos negatives that the selection ceil(neg_pos num_pos) still covers."""
    wanted = sum(1 for r in range(P) if r < neg_pos * num_pos)
    return min(max(wanted - (P - num_pos), 0), num_pos)


def run_out_problems(inputs, options, tv_result):
    """torchvision's sort is not stable: which tied (-inf) positives its selection reaches is unspecified
    unless it reaches all or none of them. Refuse draws where an image's selection stops inside them."""
    P = inputs["dbox_list"].shape[0]
    problems = []
    for b, n in enumerate(tv_result.num_pos.tolist()):
        d = double_counted(n, options.neg_pos, P)
        if 0 < d < n:
            problems.append(f"image {b}: the selection reaches {d} of its {n} positives (order unspecified)")
    return problems


def ssd_torchvision_problems(inputs, options, results, allow_exact_ties=False):
    tv, seed = results
    problems = checks.finite_problems({"grad_loc": tv.grad_loc, "grad_conf": tv.grad_conf})
    problems += checks.match_problems(seed, options.jaccard_thresh, allow_exact_ties)
    problems += checks.mining_problems(seed)
    problems += run_out_problems(inputs, options, tv)
    r32 = ssd_loss(inputs, options.jaccard_thresh, options.neg_pos, options.variances, dtype=torch.float32)
    if not np.array_equal(r32.conf_t_label, tv.conf_t_label):
        problems.append("float32 matching differs from float64")
    return problems


__all__ = ["BOX_LOSSES", "Options", "build_retinanet", "build_ssd_torchvision", "retinanet_problems",
           "ssd_torchvision_problems", "double_counted"]
