"""The retinanet training-step fixture cases (docs/FIXTURES.md "Training steps") and what the generator
(lossgraph_ref/train_fixtures.py) needs of the loss: how truths are drawn, the anchors, the metadata keys and
the reasons to reject a draw."""

import math
import types

import numpy as np
import torch
from torchvision.models.detection import _utils as det_utils
from torchvision.ops import boxes as box_ops

from ... import draw
from ...train_fixtures import IMAGE_SIZE, TrainCase
from ...train_optimizers import ADAM, ADAM_NOTE
from .fixtures import retinanet_match_problems
from .torchvision_models import TvRetinaNet
from .torchvision_ref import RetinanetOptions, anchor_grid, retinanet_sizes
from .train_models import TinyRetinaNet, randomise_frozen_norms, reset_head_convs

GIOU_TOL = 1e-4      # GIoU min/max operands (pixels) this close reject the draw
# RetinaNet anchors of P3 (16x16, stride 4) and P4 (8x8, stride 8)
RETINANET_LEVELS = ((16, 8), (16, 32))
# torchvision's detection recipe for RetinaNet: SGD lr 0.01, momentum 0.9, weight decay 1e-4
SGD_RETINANET = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "0.0001", "momentum": "0.9", "dampening": "0.0",
                 "nesterov": "false"}


def truths(case, rng, n):
    """(boxes, labels) of one image's n truths: boxes in pixels, labels 0 .. C-1."""
    boxes = draw.random_boxes(rng, n, *case.box_sides)
    return (boxes * case.image_size).astype(np.float32), rng.integers(0, case.num_classes, n)


def priors(case):
    feature_sizes, bases = RETINANET_LEVELS
    return {"anchors": anchor_grid(IMAGE_SIZE, feature_sizes, retinanet_sizes(bases))}


def _float(value):
    return repr(float(value))


def metadata(case):
    options = RetinanetOptions(box_loss=case.box_loss)
    return {"loss": "retinanet", "fg_iou_thresh": _float(options.fg_iou_thresh),
            "bg_iou_thresh": _float(options.bg_iou_thresh), "focal_alpha": _float(options.focal_alpha),
            "focal_gamma": _float(options.focal_gamma), "box_loss": options.box_loss,
            "num_classes": str(case.num_classes)}


def box_loss_problems(loss_fn, tensors, matched, steps):
    """IoU-type box losses, at every step: a foreground anchor's decoded box edge within GIOU_TOL of its
    truth's (a min/max operand pair), an intersection side within GIOU_TOL of 0, dw/dh near the decode clamp."""
    if loss_fn.options.box_loss in ("l1", "smooth_l1"):
        return []
    coder = det_utils.BoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
    anchors = torch.from_numpy(tensors["anchors"]).double()
    targets = torch.from_numpy(tensors["targets"]).double()
    clamp = math.log(1000.0 / 16)
    problems = []
    for k, reg in enumerate(loss_fn.history[:steps]):
        for b in range(reg.size(0)):
            fg = torch.from_numpy(matched[b] >= 0)
            if not bool(fg.any()):
                continue
            deltas = reg[b][fg]
            pred = coder.decode_single(deltas, anchors[fg])
            truth = targets[b][torch.from_numpy(matched[b])[fg], :4]
            edge = float((pred - truth).abs().min())
            sides = torch.cat([torch.min(pred[:, 2:], truth[:, 2:]) - torch.max(pred[:, :2], truth[:, :2])], 1)
            side = float(sides.abs().min())
            near_clamp = float((deltas[:, 2:] - clamp).abs().min())
            if edge < GIOU_TOL or side < GIOU_TOL or near_clamp < GIOU_TOL:
                problems.append(f"step {k} image {b}: GIoU operands {edge:.1e} / {side:.1e} apart, clamp {near_clamp:.1e}")
    return problems


def problems(case, loss_fn, tensors, run64):
    """Matching margins (step 0), box-loss operands near a kink (every step), a draw without foreground."""
    problems = []
    anchors = torch.from_numpy(tensors["anchors"]).double()
    ious = []
    for b, n in enumerate(tensors["num_objs"]):
        boxes = torch.from_numpy(tensors["targets"][b, :int(n), :4]).double()
        ious.append(box_ops.box_iou(boxes, anchors) if int(n) else None)
    result = types.SimpleNamespace(ious=ious, matched_idxs=run64.decisions[0])
    problems += retinanet_match_problems(result, loss_fn.options)
    problems += box_loss_problems(loss_fn, tensors, run64.decisions[0], case.steps)
    if int((run64.decisions[0] >= 0).sum()) == 0:
        problems.append("no foreground anchors")
    return problems


def _tv_retinanet_priors(module, images):
    return "anchors", module.anchors(images)


def _tv_retinanet_prepare(module, generator):
    randomise_frozen_norms(module, generator)
    reset_head_convs(module)


def _retinanet_prepare(module, generator):
    randomise_frozen_norms(module, generator)
    reset_head_convs(module)


CASES = [
    TrainCase(
        name="train_retinanet_shared_head_adam",
        description="conv + FrozenBatchNorm2d (folded into constant Mul/Add) backbone, 2-level FPN (1x1 laterals, "
                    "nearest Resize to the lateral's size, 3x3 outputs), torchvision RetinaNetHead shared by P3 16x16 "
                    "and P4 8x8 (every head initializer feeds 2 Conv nodes), A 2880, C 3, retinanet loss giou, "
                    "Adam (no weight decay), B 2, 64x64",
        loss="retinanet", model=TinyRetinaNet, num_classes=3, optimizer={**ADAM}, first_seed=20261406,
        box_loss="giou", fold_constants=True, prepare=_retinanet_prepare,
        extra_metadata={**ADAM_NOTE, "constant_folding": "true"}),
    # the description (the generator metadata of the committed file) names the module TvRetinaNet was in then
    TrainCase(
        name="train_tv_retinanet_resnet18_sgd",
        description="torchvision RetinaNet pieces (tools/reference/lossgraph_ref/tv_train_models.py): resnet18 "
                    "(weights=None, FrozenBatchNorm2d, exported unfolded: its buffers are constant initializers) "
                    "stem and layer1, BackboneWithFPN (16 channels) with LastLevelP6P7, one RetinaNetHead shared "
                    "by P2 16x16, P3 8x8, P4 4x4, AnchorGenerator anchors, A 3024, C 3, retinanet loss l1, SGD momentum "
                    "0.9 weight decay 1e-4 (torchvision's recipe), B 2, 64x64",
        loss="retinanet", model=TvRetinaNet, num_classes=3, optimizer=SGD_RETINANET, first_seed=20261706,
        box_loss="l1", priors=_tv_retinanet_priors, prepare=_tv_retinanet_prepare, maxpool_tol=1e-6),
]
