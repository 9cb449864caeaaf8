"""The expected diagnostics of a loss fixture (docs/FIXTURES.md, "Diagnostics"), in float64 from its inputs.

Every function takes a fixture's tensors and metadata and returns (diagnostics, checks): `diagnostics` maps
each output name of the program's `diagnostics: true` to a numpy array (int64 for masks and indices, float64
otherwise); `checks` maps a name to (difference, allowed) for the ways the diagnostics are tied back to what
PyTorch computed: the fixture's own expected values and torchvision's matchers.

- multibox: matching from match.py (the seed's order, lowest-index argmax), cross-checked with torchvision's
  SSDMatcher (the matched truth of each positive box); mining as multibox.py (stable descending sort), for the
  `torchvision` profile without the clamp and with positives at -1; the losses rebuilt from the per-box values
  must give the fixture's loss_l and loss_c.
- retinanet: `matched_idxs` from torchvision's own Matcher; per-anchor focal loss from
  torchvision.ops.sigmoid_focal_loss (reduction "none"); per-anchor box loss from torchvision's _box_loss on
  one anchor at a time; the losses rebuilt from them must give the fixture's.
- yolov8: the assignment of yolov8.py (lowest-index top-k), identical under the other two tie orders.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.ops import boxes as box_ops

from . import fixture, yolov8
from .match import match_detail
from .torchvision_ref import RetinanetOptions, cxcywh_to_xyxy, retinanet_model, ssd_model

# rebuilt losses and the fixture's: both float64 from the same inputs
LOSS_REL = 1e-9


def _rel(got, want):
    return abs(float(got) - float(want)) / max(1.0, abs(float(want)))


def _mismatches(a, b):
    return int((np.asarray(a) != np.asarray(b)).sum())


# -- multibox ---------------------------------------------------------------------------------------

def multibox(tensors, metadata):
    profile = fixture.loss_of(metadata)[1]
    opts = fixture.options_from_metadata(metadata)
    loc = torch.from_numpy(tensors["loc_data"]).double()
    conf = torch.from_numpy(tensors["conf_data"]).double()
    priors = torch.from_numpy(tensors["dbox_list"]).double()
    targets = torch.from_numpy(tensors["targets"]).double()
    num_objs = tensors["num_objs"]
    B, P, C = conf.shape

    matched = torch.full((B, P), -1, dtype=torch.int64)
    forced = torch.zeros(B, P, dtype=torch.int64)
    label = torch.zeros(B, P, dtype=torch.int64)
    loc_t = torch.zeros(B, P, 4, dtype=torch.float64)
    for b in range(B):
        n = int(num_objs[b])
        if n == 0:
            continue
        rows = targets[b, :n]
        enc, conf_b, detail = match_detail(opts.jaccard_thresh, rows[:, :4], priors, opts.variances, rows[:, 4])
        loc_t[b], label[b] = enc, conf_b
        forced[b, detail.best_prior_idx] = 1
        matched[b] = torch.where(conf_b > 0, detail.best_truth_idx, torch.full_like(conf_b, -1))
    positive = label > 0

    ce = F.cross_entropy(conf.reshape(-1, C), label.reshape(-1), reduction="none").reshape(B, P)
    smooth = F.smooth_l1_loss(loc, loc_t, reduction="none", beta=1.0).sum(-1) * positive
    num_pos = positive.sum(1)
    if profile == "torchvision":
        mining = torch.where(positive, torch.full_like(ce, -1.0), ce)
        count = torch.tensor([math.ceil(opts.neg_pos * int(n)) for n in num_pos])
    else:
        mining = torch.where(positive, torch.zeros_like(ce), ce)
        count = torch.clamp(num_pos * opts.neg_pos, max=P)
    order = torch.sort(mining, dim=1, descending=True, stable=True).indices
    rank = order.argsort(1)
    hard = rank < count.unsqueeze(1)

    # the losses rebuilt from the per-box values, against the fixture's (torchvision's or the seed's own code)
    n = max(1, int(num_pos.sum()))
    loss_l = float(smooth.sum()) / n
    if profile == "torchvision":
        loss_c = float((ce * positive).sum() + (ce * hard).sum()) / n
    else:
        loss_c = float((ce * (positive | hard)).sum()) / n
    checks = {
        "loss_l rebuilt": (_rel(loss_l, tensors["loss_l"].reshape(-1)[0]), LOSS_REL),
        "loss_c rebuilt": (_rel(loss_c, tensors["loss_c"].reshape(-1)[0]), LOSS_REL),
        "conf_t_label": (_mismatches(label.numpy(), tensors["conf_t_label"]), 0),
        "matched_truth vs torchvision SSDMatcher": (_mismatches(matched.numpy(), _ssd_matcher(tensors, opts)), 0),
    }
    diagnostics = {
        "matched_truth": matched.numpy(),
        "forced_match": forced.numpy(),
        "positive": positive.long().numpy(),
        "mining_score": mining.numpy(),
        "hard_negative": hard.long().numpy(),
        "cross_entropy": ce.numpy(),
        "smooth_l1": smooth.numpy(),
    }
    return diagnostics, checks


def _ssd_matcher(tensors, opts):
    """torchvision's SSDMatcher, as SSD.forward calls it: [B, P] truth row per box, -1 for background."""
    B, P = tensors["conf_data"].shape[:2]
    model = ssd_model(tensors["conf_data"].shape[2], opts.jaccard_thresh, opts.neg_pos, opts.variances)
    anchors = cxcywh_to_xyxy(tensors["dbox_list"])
    out = np.full((B, P), -1, dtype=np.int64)
    for b in range(B):
        n = int(tensors["num_objs"][b])
        if n:
            truths = torch.from_numpy(tensors["targets"][b, :n, :4]).double()
            out[b] = model.proposal_matcher(box_ops.box_iou(truths, anchors)).numpy()
    return out


# -- retinanet --------------------------------------------------------------------------------------

def retinanet_options(metadata):
    return RetinanetOptions(
        fg_iou_thresh=float(metadata["fg_iou_thresh"]),
        bg_iou_thresh=float(metadata["bg_iou_thresh"]),
        focal_alpha=float(metadata["focal_alpha"]),
        focal_gamma=float(metadata["focal_gamma"]),
        box_loss=metadata["box_loss"],
        allow_low_quality_matches=metadata.get("allow_low_quality_matches", "true") == "true",
    )


def retinanet(tensors, metadata):
    opts = retinanet_options(metadata)
    logits = torch.from_numpy(tensors["cls_logits"]).double()
    regression = torch.from_numpy(tensors["bbox_regression"]).double()
    anchors = torch.from_numpy(tensors["anchors"]).double()
    targets = torch.from_numpy(tensors["targets"]).double()
    B, A, C = logits.shape
    model = retinanet_model(C, opts)
    box_coder = model.head.regression_head.box_coder

    matched = torch.full((B, A), -1, dtype=torch.int64)
    focal = torch.zeros(B, A, dtype=torch.float64)
    box = torch.zeros(B, A, dtype=torch.float64)
    loss_cls = loss_box = 0.0
    for b in range(B):
        n = int(tensors["num_objs"][b])
        truths = targets[b, :n]
        if n:
            matched[b] = model.proposal_matcher(box_ops.box_iou(truths[:, :4], anchors))
        fg = matched[b] >= 0
        onehot = torch.zeros(A, C, dtype=torch.float64)
        onehot[fg, truths[matched[b, fg], 4].long()] = 1.0
        per_class = torchvision.ops.sigmoid_focal_loss(logits[b], onehot, alpha=opts.focal_alpha,
                                                       gamma=opts.focal_gamma, reduction="none")
        focal[b] = torch.where(matched[b] == det_utils.Matcher.BETWEEN_THRESHOLDS, torch.zeros(()),
                               per_class.sum(-1))
        for a in torch.nonzero(fg).flatten().tolist():
            box[b, a] = det_utils._box_loss(opts.box_loss, box_coder, anchors[a:a + 1],
                                            truths[matched[b, a], :4].reshape(1, 4), regression[b, a:a + 1])
        count = max(1, int(fg.sum()))
        loss_cls += float(focal[b].sum()) / count
        loss_box += float(box[b].sum()) / count
    checks = {
        "loss_cls rebuilt": (_rel(loss_cls / B, tensors["loss_cls"].reshape(-1)[0]), LOSS_REL),
        "loss_box rebuilt": (_rel(loss_box / B, tensors["loss_box"].reshape(-1)[0]), LOSS_REL),
        "matched_idxs vs fixture": (_mismatches(matched.numpy(), tensors["matched_idxs"]), 0),
    }
    diagnostics = {"matched_idxs": matched.numpy(), "anchor_focal_loss": focal.numpy(), "anchor_box_loss": box.numpy()}
    return diagnostics, checks


# -- yolov8 -----------------------------------------------------------------------------------------

def yolov8_diagnostics(tensors, metadata):
    opts = yolov8.options_from_metadata(metadata)
    runs = {tie: yolov8.yolov8_loss(tensors["pred_distri"], tensors["pred_scores"], tensors["anchor_points"],
                                    tensors["stride_tensor"], tensors["targets"], tensors["num_objs"], opts, tie)
            for tie in ("low", "high", "torch")}
    low = runs["low"]
    a = low.assignment
    checks = {
        f"candidates under tie {tie}": (_mismatches(r.assignment.candidates.numpy(), a.candidates.numpy()), 0)
        for tie, r in runs.items()
    }
    for name in ("loss_box", "loss_cls", "loss_dfl"):
        checks[name] = (_rel(getattr(low, name), tensors[name].reshape(-1)[0]), LOSS_REL)
    checks["fg_mask vs fixture"] = (_mismatches(low.fg_mask.numpy(), tensors["fg_mask"]), 0)
    checks["target_gt_idx vs fixture"] = (_mismatches(low.target_gt_idx.numpy(), tensors["target_gt_idx"]), 0)
    diagnostics = {
        "candidates": a.candidates.long().numpy(),
        "align_metric": a.align.numpy(),
        "fg_mask": low.fg_mask.numpy(),
        "target_gt_idx": low.target_gt_idx.numpy(),
        "target_scores": a.target_scores.numpy(),
    }
    return diagnostics, checks


BY_LOSS = {"multibox": multibox, "retinanet": retinanet, "yolov8": yolov8_diagnostics}


def compute(tensors, metadata):
    """(diagnostics, checks) of any loss fixture."""
    return BY_LOSS[fixture.loss_of(metadata)[0]](tensors, metadata)


def stored(diagnostics):
    """The arrays as a companion file stores them: I64 for integers, F32 for floats (as the fixtures' gradients)."""
    return {name: (a.astype(np.int64) if a.dtype.kind in "iub" else a.astype(np.float32))
            for name, a in diagnostics.items()}
