"""torchvision's own SSD loss, called the way torchvision calls it: the fixture oracle of the multibox
`torchvision` profile (docs/FIXTURES.md, "Other losses and profiles").

Nothing here re-implements the loss: `SSD.compute_loss` runs on a model object built around a dummy backbone
and head (compute_loss never touches their weights); the matched indices are computed as `SSD.forward` does.
Inputs come in as the fixture's float32 arrays and are computed in float64 (or in float32, for the
robustness checks).

- SSD's ratio of negatives to positives is set on the model (`neg_to_pos_ratio`) rather than through
  `positive_fraction`, whose (1 - f) / f is not exact in floating point for every ratio; its box coder
  gets the weights (1/v0, 1/v0, 1/v1, 1/v1) of the fixture's variances.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection import ssd as tv_ssd
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.ops import boxes as box_ops

from ...torchvision_common import DummyBackbone, cxcywh_to_xyxy, detection_targets, gradients, leaf


@dataclass
class SsdResult:
    loss_l: float
    loss_c: float
    grad_loc: np.ndarray      # [B, P, 4]
    grad_conf: np.ndarray     # [B, P, C]
    matched_idxs: np.ndarray  # [B, P] int64, -1 = background
    conf_t_label: np.ndarray  # [B, P] int64, 0 = background
    num_pos: np.ndarray       # [B] int64



def ssd_model(num_classes, jaccard_thresh, neg_pos, variances):
    """A torchvision SSD whose compute_loss computes the torchvision-profile MultiBoxLoss of these options."""
    model = tv_ssd.SSD(DummyBackbone(), DefaultBoxGenerator([[2]]), (300, 300), num_classes, head=nn.Identity(),
                       iou_thresh=jaccard_thresh)
    model.neg_to_pos_ratio = float(neg_pos)
    v0, v1 = variances
    model.box_coder = det_utils.BoxCoder(weights=(1 / v0, 1 / v0, 1 / v1, 1 / v1))
    return model


def ssd_loss(inputs, jaccard_thresh, neg_pos, variances, dtype=torch.float64):
    """torchvision's SSD.compute_loss (matching as in SSD.forward) on a multibox fixture's inputs."""
    B, P, C = inputs["conf_data"].shape
    model = ssd_model(C, jaccard_thresh, neg_pos, variances)
    loc = leaf(inputs["loc_data"], dtype)
    conf = leaf(inputs["conf_data"], dtype)
    anchors = cxcywh_to_xyxy(np.asarray(inputs["dbox_list"], dtype=np.float32)).to(dtype)
    targets = detection_targets(inputs["targets"], inputs["num_objs"], dtype, 1)  # torchvision's class 0 is background
    matched_idxs = []
    for t in targets:  # as SSD.forward
        if t["boxes"].numel() == 0:
            matched_idxs.append(torch.full((P,), -1, dtype=torch.int64))
            continue
        matched_idxs.append(model.proposal_matcher(box_ops.box_iou(t["boxes"], anchors)))
    losses = model.compute_loss(targets, {"bbox_regression": loc, "cls_logits": conf}, [anchors] * B, matched_idxs)
    grad_loc, grad_conf = gradients(losses["bbox_regression"] + losses["classification"], [loc, conf])
    matched = torch.stack(matched_idxs)
    labels = torch.zeros(B, P, dtype=torch.int64)
    for b, t in enumerate(targets):
        fg = matched[b] >= 0
        labels[b, fg] = t["labels"][matched[b, fg]]
    return SsdResult(float(losses["bbox_regression"]), float(losses["classification"]), grad_loc, grad_conf,
                     matched.numpy(), labels.numpy(), (labels > 0).sum(1).numpy())
