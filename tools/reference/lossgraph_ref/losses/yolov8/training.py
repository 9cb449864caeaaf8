"""The YOLOv8 loss as a training step ends in it (docs/FIXTURES.md "Training steps", loss `yolov8`): the
independent port's `loss_terms` (reference.py) on a model's outputs that keep their graph."""

import numpy as np
import torch

from .reference import Options, loss_terms

TERMS = ("loss_box", "loss_cls", "loss_dfl")
OUTPUTS = ("pred_distri", "pred_scores")
# the loss inputs a training-step fixture holds besides targets and num_objs
PRIORS = ("anchor_points", "stride_tensor")


def options_from(metadata):
    """The loss options a training-step fixture's metadata names (the yolov8 fixtures' keys)."""
    return Options(reg_max=int(metadata["reg_max"]), topk=int(metadata["tal_topk"]),
                   alpha=float(metadata["tal_alpha"]), beta=float(metadata["tal_beta"]),
                   box_gain=float(metadata["box_gain"]), cls_gain=float(metadata["cls_gain"]),
                   dfl_gain=float(metadata["dfl_gain"]))


def options_metadata(options):
    return {"reg_max": str(options.reg_max), "tal_topk": str(options.topk), "tal_alpha": repr(float(options.alpha)),
            "tal_beta": repr(float(options.beta)), "box_gain": repr(float(options.box_gain)),
            "cls_gain": repr(float(options.cls_gain)), "dfl_gain": repr(float(options.dfl_gain))}


class Yolov8TrainLoss:
    """Ultralytics' v8DetectionLoss on {pred_distri, pred_scores}; targets in pixels. Returns (terms, decisions),
    the decisions being fg_mask and target_gt_idx (0 off the foreground) stacked, int64 [2, B, A]."""

    def __init__(self, anchor_points, stride_tensor, targets, num_objs, options):
        self.options = options
        self.anchor_points, self.stride_tensor = anchor_points, stride_tensor
        self.targets, self.num_objs = targets, num_objs
        self.history = []  # per call: (pred_distri, pred_scores) float64, detached, for the margin checks

    def __call__(self, outputs):
        D, X = outputs["pred_distri"], outputs["pred_scores"]
        self.history.append((D.detach().double().clone(), X.detach().double().clone()))
        box, cls, dfl, a = loss_terms(D, X, self.anchor_points, self.stride_tensor, self.targets, self.num_objs,
                                      self.options)
        fg = a.fg_mask
        decisions = np.stack([fg.numpy().astype(np.int64),
                              torch.where(fg, a.target_gt_idx, torch.zeros((), dtype=torch.int64)).numpy()])
        return {"loss_box": box, "loss_cls": cls, "loss_dfl": dfl}, decisions


def make_loss(metadata, tensors):
    """The loss program a yolov8 fixture's metadata names, over its batch's targets (training.make_loss)."""
    return Yolov8TrainLoss(tensors["anchor_points"], tensors["stride_tensor"], tensors["targets"],
                           tensors["num_objs"], options_from(metadata))
