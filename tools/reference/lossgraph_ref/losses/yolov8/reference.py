"""Ultralytics' YOLOv8 / YOLO11 detection loss (v8DetectionLoss, the 8.3 form) in float64.

An independent port of the published algorithm (task-aligned assigner, BCE, CIoU, DFL; the exact math is in
docs/FIXTURES.md, section "yolov8"), written from its description, not from the upstream code. It works on the
static [B, M, A] form: `targets` [B, M, 5] in pixels with `num_objs` [B] real rows per image.

Discrete choices:
- top-k ties: `tie` = "low" (lowest anchor index first, lossgraph's rule), "high" (highest first) or
  "torch" (torch.topk's own, implementation-defined order); the fixture generator runs all three;
- an anchor claimed by several truths goes to the truth with the largest overlap over all M rows of its
  image, ties to the lowest row (torch.argmax's first maximum).
"""

import math
from dataclasses import dataclass

import torch

CIOU_EPS = 1e-7
IN_BOX_EPS = 1e-9
ALIGN_EPS = 1e-9
DFL_MARGIN = 0.01


@dataclass(frozen=True)
class Options:
    reg_max: int = 16
    topk: int = 10
    alpha: float = 0.5
    beta: float = 6.0
    box_gain: float = 7.5
    cls_gain: float = 0.5
    dfl_gain: float = 1.5


def make_anchors(image_size, strides=(8, 16, 32)):
    """anchor_points [A, 2] (column + 0.5, row + 0.5 in grid units) and stride_tensor [A, 1], level by level."""
    height, width = image_size
    points, stride_rows = [], []
    for s in strides:
        h, w = height // s, width // s
        ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
        points.append(torch.stack([xs.reshape(-1) + 0.5, ys.reshape(-1) + 0.5], dim=1))
        stride_rows.append(torch.full((h * w, 1), float(s), dtype=torch.float64))
    return torch.cat(points), torch.cat(stride_rows)


def ciou(box1, box2, eps=CIOU_EPS):
    """Ultralytics' CIoU of (x1, y1, x2, y2) boxes, broadcasting: eps on the heights, alpha held constant."""
    ax1, ay1, ax2, ay2 = box1.unbind(-1)
    bx1, by1, bx2, by2 = box2.unbind(-1)
    w1, h1 = ax2 - ax1, ay2 - ay1 + eps
    w2, h2 = bx2 - bx1, by2 - by1 + eps
    inter = (torch.minimum(ax2, bx2) - torch.maximum(ax1, bx1)).clamp(min=0) * (
        torch.minimum(ay2, by2) - torch.maximum(ay1, by1)
    ).clamp(min=0)
    union = w1 * h1 + w2 * h2 - inter + eps
    iou = inter / union
    cw = torch.maximum(ax2, bx2) - torch.minimum(ax1, bx1)
    ch = torch.maximum(ay2, by2) - torch.minimum(ay1, by1)
    c2 = cw**2 + ch**2 + eps
    rho2 = ((bx1 + bx2 - ax1 - ax2) ** 2 + (by1 + by2 - ay1 - ay2) ** 2) / 4
    v = (4 / math.pi**2) * (torch.atan(w2 / h2) - torch.atan(w1 / h1)) ** 2
    with torch.no_grad():
        alpha = v / (v - iou + (1 + eps))
    return iou - (rho2 / c2 + v * alpha)


def topk_indices(metric, k, tie):
    """Indices [..., k] of the k largest along the last axis under the tie rule."""
    if tie == "torch":
        return torch.topk(metric, k, dim=-1).indices
    if tie == "low":
        return torch.sort(metric, dim=-1, descending=True, stable=True).indices[..., :k]
    if tie == "high":
        n = metric.shape[-1]
        flipped = torch.sort(metric.flip(-1), dim=-1, descending=True, stable=True).indices[..., :k]
        return n - 1 - flipped
    raise ValueError(f"unknown tie rule {tie!r}")


@dataclass
class Assignment:
    in_box: torch.Tensor  # bool [B, M, A]
    overlaps: torch.Tensor  # u [B, M, A]
    align: torch.Tensor  # t [B, M, A]
    mask_pos: torch.Tensor  # bool [B, M, A] after resolving conflicts
    fg_mask: torch.Tensor  # bool [B, A]
    target_gt_idx: torch.Tensor  # int64 [B, A]
    target_boxes: torch.Tensor  # [B, A, 4] pixels
    target_scores: torch.Tensor  # [B, A, C]
    in_box_distance: torch.Tensor  # [B, M, A] smallest pixel distance of the centre to an edge
    raw_ciou: torch.Tensor  # [B, M, A] CIoU before clamping (for margins)
    claims: torch.Tensor  # int64 [B, A]: truths that picked the anchor, before resolving conflicts
    candidates: torch.Tensor  # bool [B, M, A]: top-k and in-box, before resolving conflicts


def assign(scores, pred_boxes, centres, truths, labels, valid, opts, tie="low"):
    """Task-aligned assignment. scores: sigmoid [B, A, C]; pred_boxes [B, A, 4] and centres [A, 2] in pixels;
    truths [B, M, 4] pixels; labels int64 [B, M]; valid bool [B, M]."""
    B, A, C = scores.shape
    M = truths.shape[1]
    cx, cy = centres[:, 0], centres[:, 1]
    x1, y1, x2, y2 = (truths[..., i, None] for i in range(4))  # [B, M, 1]
    distance = torch.minimum(torch.minimum(cx - x1, cy - y1), torch.minimum(x2 - cx, y2 - cy))  # [B, M, A]
    in_box = (distance > IN_BOX_EPS) & valid[..., None]
    raw = ciou(truths[:, :, None, :], pred_boxes[:, None, :, :])
    overlaps = torch.where(in_box, raw.clamp(min=0), torch.zeros(()))
    class_score = torch.gather(scores.transpose(1, 2), 1, labels[..., None].expand(B, M, A))  # [B, M, A]
    align = torch.where(in_box, class_score**opts.alpha * overlaps**opts.beta, torch.zeros(()))

    k = opts.topk
    picked = torch.zeros(B, M, A, dtype=torch.bool)
    picked.scatter_(2, topk_indices(align, k, tie), True)
    mask_pos = picked & in_box
    candidates = mask_pos

    claims = mask_pos.sum(1)  # [B, A]
    best = overlaps.argmax(1)  # [B, A], first maximum
    best_one_hot = torch.nn.functional.one_hot(best, M).transpose(1, 2).bool()  # [B, M, A]
    mask_pos = torch.where((claims > 1)[:, None, :], best_one_hot, mask_pos)
    fg_mask = mask_pos.any(1)
    target_gt_idx = mask_pos.to(torch.int64).argmax(1)

    gather_rows = target_gt_idx[..., None]
    target_labels = torch.gather(labels, 1, target_gt_idx)
    target_boxes = torch.gather(truths, 1, gather_rows.expand(B, A, 4))
    aligned = align * mask_pos
    best_align = aligned.amax(-1, keepdim=True)
    best_overlap = (overlaps * mask_pos).amax(-1, keepdim=True)
    soft = (aligned * best_overlap / (best_align + ALIGN_EPS)).amax(1)  # [B, A]
    one_hot = torch.nn.functional.one_hot(target_labels, C).to(scores.dtype)
    target_scores = one_hot * (soft * fg_mask)[..., None]
    return Assignment(in_box, overlaps, align, mask_pos, fg_mask, target_gt_idx, target_boxes, target_scores,
                      distance, raw, claims, candidates)


@dataclass
class Result:
    loss_box: float
    loss_cls: float
    loss_dfl: float
    grad_pred_distri: torch.Tensor
    grad_pred_scores: torch.Tensor
    fg_mask: torch.Tensor  # int64 [B, A]
    target_gt_idx: torch.Tensor  # int64 [B, A]
    assignment: Assignment


def yolov8_loss(pred_distri, pred_scores, anchor_points, stride_tensor, targets, num_objs, opts=Options(),
                tie="low", dtype=torch.float64):
    """The three scaled loss terms and their gradients (autograd) for float32 or float64 inputs, computed in
    `dtype` (float64 for the fixtures; float32 to see whether a float32 run decides the same)."""
    D = torch.as_tensor(pred_distri).to(dtype).clone().requires_grad_(True)
    X = torch.as_tensor(pred_scores).to(dtype).clone().requires_grad_(True)
    loss_box, loss_cls, loss_dfl, a = loss_terms(D, X, anchor_points, stride_tensor, targets, num_objs, opts, tie)
    (loss_box + loss_cls + loss_dfl).backward()
    return Result(
        float(loss_box), float(loss_cls), float(loss_dfl), D.grad.detach(), X.grad.detach(),
        a.fg_mask.to(torch.int64), torch.where(a.fg_mask, a.target_gt_idx, torch.zeros((), dtype=torch.int64)), a,
    )


def loss_terms(D, X, anchor_points, stride_tensor, targets, num_objs, opts=Options(), tie="low"):
    """(loss_box, loss_cls, loss_dfl, assignment) as tensors in the dtype of pred_distri `D` [B, A, 4R] and
    pred_scores `X` [B, A, C]; differentiable in D and X where they require gradients (nothing is called
    backward here, so time_loss.py --loss yolov8 can time the forward alone)."""
    f64 = D.dtype
    points = torch.as_tensor(anchor_points).to(f64)
    strides = torch.as_tensor(stride_tensor).to(f64)
    targets = torch.as_tensor(targets).to(f64)
    counts = torch.as_tensor(num_objs).to(torch.int64)
    B, A, C = X.shape
    M = targets.shape[1]
    R = opts.reg_max

    valid = torch.arange(M)[None, :] < counts[:, None]
    truths = torch.where(valid[..., None], targets[..., :4], torch.zeros(()))
    labels = torch.where(valid, targets[..., 4], torch.zeros(())).to(torch.int64)

    logits = D.view(B, A, 4, R)
    distances = (logits.softmax(-1) * torch.arange(R, dtype=f64)).sum(-1)  # [B, A, 4]
    px, py = points[:, 0], points[:, 1]
    pred_boxes = torch.stack(
        [px - distances[..., 0], py - distances[..., 1], px + distances[..., 2], py + distances[..., 3]], -1
    )

    with torch.no_grad():
        a = assign(X.sigmoid(), pred_boxes * strides, points * strides, truths, labels, valid, opts, tie)
    tau = a.target_scores
    total = max(float(tau.sum()), 1.0)

    loss_cls = torch.nn.functional.binary_cross_entropy_with_logits(X, tau, reduction="sum") / total
    fg = a.fg_mask
    weight = tau.sum(-1)[fg]  # [N]
    if bool(fg.any()):
        target_grid = a.target_boxes / strides
        box_term = ((1 - ciou(pred_boxes[fg], target_grid[fg])) * weight).sum() / total
        tx1, ty1, tx2, ty2 = target_grid.unbind(-1)
        ltrb = torch.stack([px - tx1, py - ty1, tx2 - px, ty2 - py], -1).clamp(0, R - 1 - DFL_MARGIN)[fg]  # [N, 4]
        low = ltrb.long()
        w_low = low + 1 - ltrb
        w_high = 1 - w_low
        log_p = logits[fg].log_softmax(-1)  # [N, 4, R]
        ce_low = -log_p.gather(-1, low[..., None]).squeeze(-1)
        ce_high = -log_p.gather(-1, (low + 1)[..., None]).squeeze(-1)
        dfl = (ce_low * w_low + ce_high * w_high).mean(-1)
        dfl_term = (dfl * weight).sum() / total
    else:
        box_term = dfl_term = D.sum() * 0 + 0  # + 0 turns -0 into 0

    loss_box = box_term * opts.box_gain * B
    loss_cls = loss_cls * opts.cls_gain * B
    loss_dfl = dfl_term * opts.dfl_gain * B
    return loss_box, loss_cls, loss_dfl, a


def options_from_metadata(meta):
    """Options from a fixture's `__metadata__`."""
    return Options(
        reg_max=int(meta["reg_max"]),
        topk=int(meta["tal_topk"]),
        alpha=float(meta["tal_alpha"]),
        beta=float(meta["tal_beta"]),
        box_gain=float(meta["box_gain"]),
        cls_gain=float(meta["cls_gain"]),
        dfl_gain=float(meta["dfl_gain"]),
    )
