"""torchvision's own RetinaNet loss, called the way torchvision calls it: the fixture oracle of the `retinanet`
loss (docs/FIXTURES.md, "Other losses and profiles"), and torchvision's AnchorGenerator.

Nothing here re-implements the loss: `RetinaNet.compute_loss` runs on a model object built around a dummy
backbone and head (compute_loss never touches their weights). Inputs come in as the fixture's float32 arrays
and are computed in float64 (or in float32, for the robustness checks).

- RetinaNet's classification head hard-codes `sigmoid_focal_loss(..., reduction="sum")` with alpha 0.25
  and gamma 2; other values are given by rebinding the module's `sigmoid_focal_loss` to
  `torchvision.ops.sigmoid_focal_loss` with those arguments while the loss runs.
- The box loss is the regression head's `_loss_type` (`l1`, `smooth_l1`, `giou`, `diou`, `ciou`).
- The matched indices are the ones torchvision computes inside `RetinaNet.compute_loss` (captured on
  their way into the head's compute_loss).
"""

import contextlib
import functools
from dataclasses import dataclass

import numpy as np
import torch
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection import retinanet as tv_retinanet
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.ops import boxes as box_ops

from ...torchvision_common import DummyBackbone, detection_targets, gradients, leaf

BOX_LOSSES = ("l1", "smooth_l1", "giou", "diou", "ciou")


@dataclass(frozen=True)
class RetinanetOptions:
    """RetinaNet loss options, torchvision's defaults."""
    fg_iou_thresh: float = 0.5
    bg_iou_thresh: float = 0.4
    focal_alpha: float = 0.25
    focal_gamma: float = 2.0
    box_loss: str = "l1"
    allow_low_quality_matches: bool = True


@dataclass
class RetinanetResult:
    loss_cls: float
    loss_box: float
    grad_cls_logits: np.ndarray       # [B, A, C]
    grad_bbox_regression: np.ndarray  # [B, A, 4]
    matched_idxs: np.ndarray          # [B, A] int64
    ious: list                        # per image: [n, A] IoU of its truths and the anchors (None if n = 0)


@contextlib.contextmanager
def focal_parameters(alpha, gamma):
    """While active, RetinaNet's classification head uses sigmoid_focal_loss(alpha, gamma)."""
    original = tv_retinanet.sigmoid_focal_loss
    if (alpha, gamma) != (0.25, 2.0):
        tv_retinanet.sigmoid_focal_loss = functools.partial(torchvision.ops.sigmoid_focal_loss, alpha=alpha, gamma=gamma)
    try:
        yield
    finally:
        tv_retinanet.sigmoid_focal_loss = original


def retinanet_model(num_classes, options):
    """A torchvision RetinaNet whose compute_loss computes the loss of `options` (its convolutions are unused)."""
    matcher = det_utils.Matcher(options.fg_iou_thresh, options.bg_iou_thresh,
                                allow_low_quality_matches=options.allow_low_quality_matches)
    model = tv_retinanet.RetinaNet(DummyBackbone(), num_classes, proposal_matcher=matcher,
                                   fg_iou_thresh=options.fg_iou_thresh, bg_iou_thresh=options.bg_iou_thresh)
    if options.box_loss not in BOX_LOSSES:
        raise ValueError(f"box_loss must be one of {BOX_LOSSES}, got {options.box_loss!r}")
    model.head.regression_head._loss_type = options.box_loss
    return model


def retinanet_loss(inputs, options, dtype=torch.float64):
    """torchvision's RetinaNet.compute_loss on a fixture's inputs, with gradients. Returns a RetinanetResult."""
    B, A, C = inputs["cls_logits"].shape
    model = retinanet_model(C, options)
    cls = leaf(inputs["cls_logits"], dtype)
    reg = leaf(inputs["bbox_regression"], dtype)
    anchors = torch.from_numpy(np.asarray(inputs["anchors"], dtype=np.float32)).to(dtype)
    targets = detection_targets(inputs["targets"], inputs["num_objs"], dtype, 0)
    captured = {}
    head_loss = model.head.compute_loss

    def capture(targets_, head_outputs, anchors_, matched_idxs):
        captured["matched_idxs"] = [m.clone() for m in matched_idxs]
        return head_loss(targets_, head_outputs, anchors_, matched_idxs)

    model.head.compute_loss = capture
    with focal_parameters(float(options.focal_alpha), float(options.focal_gamma)):
        losses = model.compute_loss(targets, {"cls_logits": cls, "bbox_regression": reg}, [anchors] * B)
    total = losses["classification"] + losses["bbox_regression"]
    grad_cls, grad_reg = gradients(total, [cls, reg])
    ious = [box_ops.box_iou(t["boxes"], anchors) if t["boxes"].numel() else None for t in targets]
    return RetinanetResult(float(losses["classification"]), float(losses["bbox_regression"]), grad_cls, grad_reg,
                           torch.stack(captured["matched_idxs"]).numpy().astype(np.int64), ious)


def anchor_grid(image_size, feature_sizes, sizes, aspect_ratios=(0.5, 1.0, 2.0)):
    """float32 [A, 4] anchors (x1, y1, x2, y2) of torchvision's AnchorGenerator for a square image and
    square feature maps, one tuple of sizes per level (every level the same aspect ratios)."""
    generator = AnchorGenerator(tuple(tuple(s) for s in sizes), (tuple(aspect_ratios),) * len(sizes))
    images = ImageList(torch.zeros(1, 3, image_size, image_size), [(image_size, image_size)])
    features = [torch.zeros(1, 1, f, f) for f in feature_sizes]
    return generator(images, features)[0].numpy().astype(np.float32)


def retinanet_sizes(bases):
    """torchvision's RetinaNet anchor sizes per level: (x, int(x 2^(1/3)), int(x 2^(2/3)))."""
    return [(x, int(x * 2 ** (1.0 / 3)), int(x * 2 ** (2.0 / 3))) for x in bases]
