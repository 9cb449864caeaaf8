"""The multibox loss in training steps (docs/FIXTURES.md "Training steps"): the seed's and torchvision's
MultiBoxLoss on tensors that keep their graph, for lossgraph_ref/training.py's loop."""

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import boxes as box_ops

from ...torchvision_common import cxcywh_to_xyxy, detection_targets
from .reference import Options, match_batch, mining_rank
from .torchvision_ref import ssd_model

OUTPUTS = ("loc_data", "conf_data")


class MultiboxSeedLoss:
    """The seed's MultiBoxLoss (reference.py) on tensors that keep their graph; matching is computed once.

    Returns ({"loss_l", "loss_c"}, decisions) where decisions is the mining mask [B, P] (bool numpy)."""

    def __init__(self, dbox_list, targets, num_objs, options):
        self.options = options
        self.conf_t, self.loc_t, self.details = match_batch(dbox_list, targets, num_objs, options)
        self.history = []  # per call: (mining loss [B, P], mining mask [B, P]), for the margin checks

    def __call__(self, outputs):
        loc, conf = outputs["loc_data"], outputs["conf_data"]
        B, P, C = conf.shape
        conf_t = self.conf_t
        loc_t = self.loc_t.to(loc.dtype)
        pos = conf_t > 0
        loss_l = F.smooth_l1_loss(loc[pos], loc_t[pos], reduction="sum", beta=1.0)
        with torch.no_grad():
            mining = F.cross_entropy(conf.detach().reshape(-1, C), conf_t.view(-1), reduction="none").view(B, P)
            mining[pos] = 0
            num_pos = pos.long().sum(1)
            num_neg = torch.clamp(num_pos * self.options.neg_pos, max=P)
            neg = mining_rank(mining) < num_neg.unsqueeze(1)
            self.history.append((mining.double(), neg))
        loss_c = F.cross_entropy(conf[pos | neg], conf_t[pos | neg], reduction="sum")
        n = int(num_pos.sum())
        if n == 0:  # docs/FIXTURES.md extension 2: no positives in the batch, both terms 0 with zero gradient
            zero = (loc.sum() + conf.sum()) * 0.0
            return {"loss_l": zero, "loss_c": zero.clone()}, neg.numpy()
        return {"loss_l": loss_l / n, "loss_c": loss_c / n}, neg.numpy()


class MultiboxTorchvisionLoss:
    """torchvision's SSD.compute_loss (multibox profile `torchvision`), matching as SSD.forward does.
    The decisions are the seed's mining mask (same matching, same ranking of negatives)."""

    def __init__(self, dbox_list, targets, num_objs, options):
        self.options = options
        self.seed = MultiboxSeedLoss(dbox_list, targets, num_objs, options)
        self.dbox = np.asarray(dbox_list, dtype=np.float32)
        self.targets, self.num_objs = targets, num_objs

    def __call__(self, outputs):
        loc, conf = outputs["loc_data"], outputs["conf_data"]
        B, P, C = conf.shape
        dtype = loc.dtype
        model = ssd_model(C, self.options.jaccard_thresh, self.options.neg_pos, self.options.variances)
        anchors = cxcywh_to_xyxy(self.dbox).to(dtype)
        targets = detection_targets(self.targets, self.num_objs, dtype, 1)
        matched = [torch.full((P,), -1, dtype=torch.int64) if t["boxes"].numel() == 0
                   else model.proposal_matcher(box_ops.box_iou(t["boxes"], anchors)) for t in targets]
        losses = model.compute_loss(targets, {"bbox_regression": loc, "cls_logits": conf}, [anchors] * B, matched)
        _, mined = self.seed({"loc_data": loc.detach(), "conf_data": conf.detach()})
        decisions = np.concatenate([torch.stack(matched).numpy(), mined.astype(np.int64)], 1)
        return {"loss_l": losses["bbox_regression"], "loss_c": losses["classification"]}, decisions


def make_loss(metadata, tensors):
    """The loss program a multibox fixture's metadata names (its profile), over its batch's targets."""
    options = Options(float(metadata["jaccard_thresh"]), int(metadata["neg_pos"]),
                      tuple(float(v) for v in metadata["variance"].split(",")))
    kind = {"seed": MultiboxSeedLoss, "torchvision": MultiboxTorchvisionLoss}[metadata.get("profile", "seed")]
    return kind(tensors["dbox_list"], tensors["targets"], tensors["num_objs"], options)
