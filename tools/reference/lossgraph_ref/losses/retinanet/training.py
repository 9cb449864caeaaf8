"""The retinanet loss in training steps (docs/FIXTURES.md "Training steps"): torchvision's RetinaNet loss on
tensors that keep their graph, for lossgraph_ref/training.py's loop."""

import numpy as np
import torch

from ...torchvision_common import detection_targets
from .torchvision_ref import RetinanetOptions, focal_parameters, retinanet_model

OUTPUTS = ("cls_logits", "bbox_regression")


class RetinanetLoss:
    """torchvision's RetinaNet.compute_loss; anchors in pixels. Decisions: the matched indices."""

    def __init__(self, anchors, targets, num_objs, options):
        self.options = options
        self.anchors = np.asarray(anchors, dtype=np.float32)
        self.targets, self.num_objs = targets, num_objs
        self.history = []  # per call: the box regression (float64, detached), for the GIoU margin checks

    def __call__(self, outputs):
        cls, reg = outputs["cls_logits"], outputs["bbox_regression"]
        self.history.append(reg.detach().double())
        B, A, C = cls.shape
        model = retinanet_model(C, self.options)
        anchors = torch.from_numpy(self.anchors).to(cls.dtype)
        targets = detection_targets(self.targets, self.num_objs, cls.dtype, 0)
        captured = {}
        head_loss = model.head.compute_loss

        def capture(targets_, head_outputs, anchors_, matched_idxs):
            captured["matched"] = torch.stack(matched_idxs).numpy().copy()
            return head_loss(targets_, head_outputs, anchors_, matched_idxs)

        model.head.compute_loss = capture
        with focal_parameters(float(self.options.focal_alpha), float(self.options.focal_gamma)):
            losses = model.compute_loss(targets, {"cls_logits": cls, "bbox_regression": reg}, [anchors] * B)
        return {"loss_cls": losses["classification"], "loss_box": losses["bbox_regression"]}, captured["matched"]


def make_loss(metadata, tensors):
    """The loss program a retinanet fixture's metadata names, over its batch's targets."""
    options = RetinanetOptions(float(metadata["fg_iou_thresh"]), float(metadata["bg_iou_thresh"]),
                               float(metadata["focal_alpha"]), float(metadata["focal_gamma"]), metadata["box_loss"])
    return RetinanetLoss(tensors["anchors"], tensors["targets"], tensors["num_objs"], options)
