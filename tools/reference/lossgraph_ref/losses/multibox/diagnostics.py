"""The expected diagnostics of a multibox fixture (docs/FIXTURES.md, "Diagnostics"), in float64 from its inputs.

Matching from match.py (the seed's order, lowest-index argmax), cross-checked with torchvision's SSDMatcher
(the matched truth of each positive box); mining as reference.py (stable descending sort), for the
`torchvision` profile without the clamp and with positives at -1; the losses rebuilt from the per-box values
must give the fixture's loss_l and loss_c. `compute` returns (diagnostics, checks) as lossgraph_ref/diagnostics.py
describes.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import boxes as box_ops

from ... import fixture
from ...diagnostics import LOSS_REL, mismatches, rel
from .match import match_detail
from ...torchvision_common import cxcywh_to_xyxy
from .seed_fixtures import options_from_metadata
from .torchvision_ref import ssd_model


def compute(tensors, metadata):
    profile = fixture.loss_of(metadata)[1]
    opts = options_from_metadata(metadata)
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
        "loss_l rebuilt": (rel(loss_l, tensors["loss_l"].reshape(-1)[0]), LOSS_REL),
        "loss_c rebuilt": (rel(loss_c, tensors["loss_c"].reshape(-1)[0]), LOSS_REL),
        "conf_t_label": (mismatches(label.numpy(), tensors["conf_t_label"]), 0),
        "matched_truth vs torchvision SSDMatcher": (mismatches(matched.numpy(), _ssd_matcher(tensors, opts)), 0),
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
