"""torchvision's own detection losses, called the way torchvision calls them: the fixture oracles of
the `retinanet` loss and of the multibox `torchvision` profile (docs/FIXTURES.md, "Other losses and profiles").

Nothing here re-implements a loss: `RetinaNet.compute_loss` and `SSD.compute_loss` run on model objects
built around dummy backbones and heads (compute_loss never touches their weights). Inputs come in as the
fixture's float32 arrays and are computed in float64 (or in float32, for the robustness checks).

- RetinaNet's classification head hard-codes `sigmoid_focal_loss(..., reduction="sum")` with alpha 0.25
  and gamma 2; other values are given by rebinding the module's `sigmoid_focal_loss` to
  `torchvision.ops.sigmoid_focal_loss` with those arguments while the loss runs.
- The box loss is the regression head's `_loss_type` (`l1`, `smooth_l1`, `giou`, `diou`, `ciou`).
- The matched indices are the ones torchvision computes inside `RetinaNet.compute_loss` (captured on
  their way into the head's compute_loss); for SSD they are computed as `SSD.forward` does.
- SSD's ratio of negatives to positives is set on the model (`neg_to_pos_ratio`) rather than through
  `positive_fraction`, whose (1 - f) / f is not exact in floating point for every ratio; its box coder
  gets the weights (1/v0, 1/v0, 1/v1, 1/v1) of the fixture's variances.
"""

import contextlib
import functools
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection import retinanet as tv_retinanet
from torchvision.models.detection import ssd as tv_ssd
from torchvision.models.detection.anchor_utils import AnchorGenerator, DefaultBoxGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.ops import boxes as box_ops

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


@dataclass
class SsdResult:
    loss_l: float
    loss_c: float
    grad_loc: np.ndarray      # [B, P, 4]
    grad_conf: np.ndarray     # [B, P, C]
    matched_idxs: np.ndarray  # [B, P] int64, -1 = background
    conf_t_label: np.ndarray  # [B, P] int64, 0 = background
    num_pos: np.ndarray       # [B] int64


def _targets(targets, num_objs, dtype, label_offset):
    """torchvision's list of {"boxes", "labels"} from the padded targets [B, M, 5] and num_objs [B]."""
    out = []
    for b, n in enumerate(np.asarray(num_objs)):
        rows = torch.from_numpy(np.asarray(targets[b, :int(n)], dtype=np.float32)).to(dtype)
        out.append({"boxes": rows[:, :4].reshape(-1, 4), "labels": rows[:, 4].long() + label_offset})
    return out


def _leaf(array, dtype):
    return torch.from_numpy(np.asarray(array, dtype=np.float32)).to(dtype).requires_grad_(True)


def _grads(total, leaves):
    grads = torch.autograd.grad(total, leaves, allow_unused=True)
    return [np.zeros(leaf.shape, dtype=np.float64) if g is None else g.detach().double().numpy()
            for g, leaf in zip(grads, leaves)]


class _Backbone(nn.Identity):
    out_channels = 1


@contextlib.contextmanager
def _focal_parameters(alpha, gamma):
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
    model = tv_retinanet.RetinaNet(_Backbone(), num_classes, proposal_matcher=matcher,
                                   fg_iou_thresh=options.fg_iou_thresh, bg_iou_thresh=options.bg_iou_thresh)
    if options.box_loss not in BOX_LOSSES:
        raise ValueError(f"box_loss must be one of {BOX_LOSSES}, got {options.box_loss!r}")
    model.head.regression_head._loss_type = options.box_loss
    return model


def retinanet_loss(inputs, options, dtype=torch.float64):
    """torchvision's RetinaNet.compute_loss on a fixture's inputs, with gradients. Returns a RetinanetResult."""
    B, A, C = inputs["cls_logits"].shape
    model = retinanet_model(C, options)
    cls = _leaf(inputs["cls_logits"], dtype)
    reg = _leaf(inputs["bbox_regression"], dtype)
    anchors = torch.from_numpy(np.asarray(inputs["anchors"], dtype=np.float32)).to(dtype)
    targets = _targets(inputs["targets"], inputs["num_objs"], dtype, 0)
    captured = {}
    head_loss = model.head.compute_loss

    def capture(targets_, head_outputs, anchors_, matched_idxs):
        captured["matched_idxs"] = [m.clone() for m in matched_idxs]
        return head_loss(targets_, head_outputs, anchors_, matched_idxs)

    model.head.compute_loss = capture
    with _focal_parameters(float(options.focal_alpha), float(options.focal_gamma)):
        losses = model.compute_loss(targets, {"cls_logits": cls, "bbox_regression": reg}, [anchors] * B)
    total = losses["classification"] + losses["bbox_regression"]
    grad_cls, grad_reg = _grads(total, [cls, reg])
    ious = [box_ops.box_iou(t["boxes"], anchors) if t["boxes"].numel() else None for t in targets]
    return RetinanetResult(float(losses["classification"]), float(losses["bbox_regression"]), grad_cls, grad_reg,
                           torch.stack(captured["matched_idxs"]).numpy().astype(np.int64), ious)


def cxcywh_to_xyxy(boxes):
    """(cx, cy, w, h) -> (x1, y1, x2, y2), float64."""
    b = torch.as_tensor(boxes).double()
    return torch.cat([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], 1)


def ssd_model(num_classes, jaccard_thresh, neg_pos, variances):
    """A torchvision SSD whose compute_loss computes the torchvision-profile MultiBoxLoss of these options."""
    model = tv_ssd.SSD(_Backbone(), DefaultBoxGenerator([[2]]), (300, 300), num_classes, head=nn.Identity(),
                       iou_thresh=jaccard_thresh)
    model.neg_to_pos_ratio = float(neg_pos)
    v0, v1 = variances
    model.box_coder = det_utils.BoxCoder(weights=(1 / v0, 1 / v0, 1 / v1, 1 / v1))
    return model


def ssd_loss(inputs, jaccard_thresh, neg_pos, variances, dtype=torch.float64):
    """torchvision's SSD.compute_loss (matching as in SSD.forward) on a multibox fixture's inputs."""
    B, P, C = inputs["conf_data"].shape
    model = ssd_model(C, jaccard_thresh, neg_pos, variances)
    loc = _leaf(inputs["loc_data"], dtype)
    conf = _leaf(inputs["conf_data"], dtype)
    anchors = cxcywh_to_xyxy(np.asarray(inputs["dbox_list"], dtype=np.float32)).to(dtype)
    targets = _targets(inputs["targets"], inputs["num_objs"], dtype, 1)  # torchvision's class 0 is background
    matched_idxs = []
    for t in targets:  # as SSD.forward
        if t["boxes"].numel() == 0:
            matched_idxs.append(torch.full((P,), -1, dtype=torch.int64))
            continue
        matched_idxs.append(model.proposal_matcher(box_ops.box_iou(t["boxes"], anchors)))
    losses = model.compute_loss(targets, {"bbox_regression": loc, "cls_logits": conf}, [anchors] * B, matched_idxs)
    grad_loc, grad_conf = _grads(losses["bbox_regression"] + losses["classification"], [loc, conf])
    matched = torch.stack(matched_idxs)
    labels = torch.zeros(B, P, dtype=torch.int64)
    for b, t in enumerate(targets):
        fg = matched[b] >= 0
        labels[b, fg] = t["labels"][matched[b, fg]]
    return SsdResult(float(losses["bbox_regression"]), float(losses["classification"]), grad_loc, grad_conf,
                     matched.numpy(), labels.numpy(), (labels > 0).sum(1).numpy())


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
