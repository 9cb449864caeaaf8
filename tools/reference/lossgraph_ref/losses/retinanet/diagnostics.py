"""The expected diagnostics of a retinanet fixture (docs/FIXTURES.md, "Diagnostics"), in float64 from its inputs.

`matched_idxs` from torchvision's own Matcher; per-anchor focal loss from torchvision.ops.sigmoid_focal_loss
(reduction "none"); per-anchor box loss from torchvision's _box_loss on one anchor at a time; the losses
rebuilt from them must give the fixture's. `compute` returns (diagnostics, checks) as
lossgraph_ref/diagnostics.py describes.
"""

import torch
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.ops import boxes as box_ops

from ...diagnostics import LOSS_REL, mismatches, rel
from .torchvision_ref import RetinanetOptions, retinanet_model


def retinanet_options(metadata):
    return RetinanetOptions(
        fg_iou_thresh=float(metadata["fg_iou_thresh"]),
        bg_iou_thresh=float(metadata["bg_iou_thresh"]),
        focal_alpha=float(metadata["focal_alpha"]),
        focal_gamma=float(metadata["focal_gamma"]),
        box_loss=metadata["box_loss"],
        allow_low_quality_matches=metadata.get("allow_low_quality_matches", "true") == "true",
    )


def compute(tensors, metadata):
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
        "loss_cls rebuilt": (rel(loss_cls / B, tensors["loss_cls"].reshape(-1)[0]), LOSS_REL),
        "loss_box rebuilt": (rel(loss_box / B, tensors["loss_box"].reshape(-1)[0]), LOSS_REL),
        "matched_idxs vs fixture": (mismatches(matched.numpy(), tensors["matched_idxs"]), 0),
    }
    diagnostics = {"matched_idxs": matched.numpy(), "anchor_focal_loss": focal.numpy(), "anchor_box_loss": box.numpy()}
    return diagnostics, checks
