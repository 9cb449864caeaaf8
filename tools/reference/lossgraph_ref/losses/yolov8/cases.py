"""The yolov8 fixture cases, their draws and the float32-safety margins of a draw (docs/FIXTURES.md, "yolov8").

`build(rng)` returns (inputs, options); `verify(inputs, result)` the ways a draw misses what its case is for.
Inputs are float32 (int32 for num_objs), as a backend receives them; the expected values come from
`reference.yolov8_loss` in float64.
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import torch

from .reference import Options, make_anchors, yolov8_loss

IMAGE = (128, 128)
STRIDES = (8, 16, 32)

# margins of the discrete decisions (docs/FIXTURES.md, "yolov8")
IN_BOX_MARGIN = 1e-3  # px: an anchor centre is exactly on a truth's edge or at least this far from it
CIOU_MARGIN = 1e-4  # an in-box CIoU is at least this far from 0 (the clamp)
TOPK_MARGIN = 1e-3  # relative gap between a truth's k-th and (k+1)-th positive alignment
CONFLICT_MARGIN = 1e-4  # best and second-best overlap at a contested anchor, unless exactly equal
TINY_ALIGN = 1e-30  # a positive alignment must stay a normal float32 number


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    seed: int
    build: Callable
    verify: Optional[Callable] = None


def f32(x):
    return np.asarray(x, dtype=np.float32)


def anchors(image=IMAGE, strides=STRIDES):
    points, stride = make_anchors(image, strides)
    return f32(points.numpy()), f32(stride.numpy())


def random_boxes(rng, n, image=IMAGE, sides=(8.0, 80.0)):
    """n boxes (x1, y1, x2, y2) inside the image with sides uniform in `sides` (pixels)."""
    h, w = image
    bw = rng.uniform(*sides, n)
    bh = rng.uniform(*sides, n)
    x1 = rng.uniform(0, w - bw)
    y1 = rng.uniform(0, h - bh)
    return np.stack([x1, y1, x1 + bw, y1 + bh], 1)


def pack(per_image, classes, rng, m=None):
    """targets [B, M, 5] and num_objs [B] from per-image box arrays (labels drawn at random)."""
    M = m if m is not None else max(1, max(len(boxes) for boxes in per_image))
    targets = np.zeros((len(per_image), M, 5), np.float32)
    for b, boxes in enumerate(per_image):
        n = len(boxes)
        if n:
            targets[b, :n, :4] = boxes
            targets[b, :n, 4] = rng.integers(0, classes, n)
    return targets, np.array([len(boxes) for boxes in per_image], np.int32)


def predictions(rng, batch, a, classes, reg_max, logit_scale=2.0):
    """pred_distri: logits biased toward short distances (a few grid cells) with noise; pred_scores N(0, s²)."""
    bias = -0.35 * np.arange(reg_max)
    distri = rng.normal(0, 1.0, (batch, a, 4 * reg_max)) + np.tile(bias, 4)
    scores = rng.normal(-1.0, logit_scale, (batch, a, classes))
    return f32(distri), f32(scores)


def inputs_from(rng, per_image, classes, opts, m=None, logit_scale=2.0, image=IMAGE):
    points, stride = anchors(image)
    targets, num_objs = pack(per_image, classes, rng, m)
    distri, scores = predictions(rng, len(per_image), len(points), classes, opts.reg_max, logit_scale)
    return dict(pred_distri=distri, pred_scores=scores, anchor_points=points, stride_tensor=stride,
                targets=targets, num_objs=num_objs)


def run(inputs, opts, tie="low", dtype=torch.float64):
    return yolov8_loss(inputs["pred_distri"], inputs["pred_scores"], inputs["anchor_points"],
                       inputs["stride_tensor"], inputs["targets"], inputs["num_objs"], opts, tie, dtype)


def margin_problems(inputs, opts, result):
    """Discrete decisions of a float64 result that float32 could flip, and tie-order dependence."""
    problems = []
    a = result.assignment
    valid = torch.arange(inputs["targets"].shape[1])[None, :] < torch.as_tensor(inputs["num_objs"])[:, None]
    distance = a.in_box_distance[valid]
    near = (distance.abs() < IN_BOX_MARGIN) & (distance != 0)
    if bool(near.any()):
        problems.append(f"an anchor centre within {IN_BOX_MARGIN} px of a truth's edge")
    raw = a.raw_ciou[a.in_box]
    if bool((raw.abs() < CIOU_MARGIN).any()):
        problems.append(f"an in-box CIoU within {CIOU_MARGIN} of 0")
    align = a.align
    positive = align[align > 0]
    if positive.numel() and float(positive.min()) < TINY_ALIGN:
        problems.append("a positive alignment metric that float32 would flush to 0")
    k = opts.topk
    for b, m in valid.nonzero().tolist():
        ranked = torch.sort(align[b, m], descending=True).values
        if ranked.numel() > k:
            kth, next_ = float(ranked[k - 1]), float(ranked[k])
            if next_ > 0 and (kth - next_) <= TOPK_MARGIN * kth:
                problems.append(f"image {b} truth {m}: top-k boundary {kth:.6g} vs {next_:.6g}")
    overlaps = a.overlaps
    contested = a.claims > 1  # anchors picked by several truths: the overlap argmax decides
    if overlaps.shape[1] > 1:
        top2 = torch.topk(overlaps, 2, dim=1).values  # [B, 2, A]
        gap = top2[:, 0] - top2[:, 1]
        close = contested & (gap > 0) & (gap < CONFLICT_MARGIN)
        if bool(close.any()):
            problems.append(f"best and second-best overlap within {CONFLICT_MARGIN} at a shared anchor")
    for tie in ("high", "torch"):
        other = run(inputs, opts, tie)
        if not (torch.equal(other.fg_mask, result.fg_mask) and torch.equal(other.target_gt_idx, result.target_gt_idx)):
            problems.append(f"assignment depends on the top-k tie order ({tie})")
        elif abs(other.loss_cls - result.loss_cls) > 1e-12 * max(1.0, abs(result.loss_cls)):
            problems.append(f"loss depends on the top-k tie order ({tie})")
    single = run(inputs, opts, "low", torch.float32)
    if not (torch.equal(single.fg_mask, result.fg_mask) and torch.equal(single.target_gt_idx, result.target_gt_idx)):
        problems.append("a float32 run assigns differently")
    return problems


# -- cases ------------------------------------------------------------------------------------------

DEFAULT = Options()
CLASSES = 3


def build_random(rng):
    per_image = [random_boxes(rng, 3), random_boxes(rng, 2)]
    return inputs_from(rng, per_image, CLASSES, DEFAULT), DEFAULT


def build_empty_image(rng):
    per_image = [random_boxes(rng, 3), np.zeros((0, 4))]
    return inputs_from(rng, per_image, CLASSES, DEFAULT), DEFAULT


def build_no_truths(rng):
    per_image = [np.zeros((0, 4)), np.zeros((0, 4))]
    return inputs_from(rng, per_image, CLASSES, DEFAULT, m=2), DEFAULT


def build_tiny_boxes(rng):
    per_image = [random_boxes(rng, 4, sides=(2.0, 7.0)), random_boxes(rng, 3, sides=(3.0, 12.0))]
    return inputs_from(rng, per_image, CLASSES, DEFAULT), DEFAULT


def build_border(rng):
    """Boxes flush with the image's edges, and edges exactly on anchor centres (outside: strict test)."""
    h, w = IMAGE
    boxes = random_boxes(rng, 4, sides=(20.0, 60.0))
    boxes[0, 0], boxes[0, 1] = 0.0, 0.0
    boxes[1, 2], boxes[1, 3] = float(w), float(h)
    boxes[2, 0], boxes[2, 3] = 0.0, float(h)
    # edges on stride-8 centres (4 + 8 i)
    boxes[3, 0] = 4.0 + 8.0 * rng.integers(1, 6)
    boxes[3, 1] = 4.0 + 8.0 * rng.integers(1, 6)
    boxes[3, 2] = boxes[3, 0] + 8.0 * rng.integers(3, 7)
    boxes[3, 3] = boxes[3, 1] + 8.0 * rng.integers(3, 7)
    other = random_boxes(rng, 2, sides=(30.0, 70.0))
    other[0, 2] = float(w)
    return inputs_from(rng, [boxes, other], CLASSES, DEFAULT), DEFAULT


def build_shared(rng):
    """Truths that claim the same anchors: an identical pair (exact overlap tie) and an overlapping pair."""
    base = random_boxes(rng, 2, sides=(24.0, 64.0))
    shifted = base[1] + rng.uniform(-6, 6, 4)
    shifted = np.clip(shifted, 0, IMAGE[0])
    first = np.stack([base[0], base[0], base[1], shifted])
    second = random_boxes(rng, 3, sides=(30.0, 90.0))
    inputs = inputs_from(rng, [first, second], CLASSES, DEFAULT)
    inputs["targets"][0, 1, 4] = (inputs["targets"][0, 0, 4] + 1) % CLASSES  # same box, other label
    return inputs, DEFAULT


def build_large_logits(rng):
    per_image = [random_boxes(rng, 3), random_boxes(rng, 3)]
    inputs = inputs_from(rng, per_image, CLASSES, DEFAULT, logit_scale=15.0)
    inputs["pred_distri"] = f32(inputs["pred_distri"] * 8.0)
    return inputs, DEFAULT


def build_padding(rng):
    per_image = [random_boxes(rng, 2), random_boxes(rng, 1)]
    return inputs_from(rng, per_image, CLASSES, DEFAULT, m=9), DEFAULT


CUSTOM = Options(reg_max=8, topk=5, alpha=1.0, beta=4.0, box_gain=5.0, cls_gain=1.0, dfl_gain=0.5)


def build_custom(rng):
    per_image = [random_boxes(rng, 3, sides=(8.0, 50.0)), random_boxes(rng, 2, sides=(8.0, 50.0))]
    return inputs_from(rng, per_image, 4, CUSTOM), CUSTOM


def build_160(rng):
    image = (160, 160)
    per_image = [random_boxes(rng, 3, image), random_boxes(rng, 4, image)]
    return inputs_from(rng, per_image, 2, DEFAULT, image=image), DEFAULT


# -- what each case must exercise -------------------------------------------------------------------

def needs_positives(inputs, result):
    return [] if int(result.fg_mask.sum()) > 0 else ["no positives"]


def needs_conflict(inputs, result):
    a = result.assignment
    problems = needs_positives(inputs, result)
    if not bool((a.claims > 1).any()):
        problems.append("no anchor picked by several truths")
    # rows 0 and 1 of image 0 are the same box: an anchor both pick is a tie of overlaps, won by row 0
    if not bool(a.mask_pos[0, 0].any()):
        problems.append("the lower row of the identical pair has no positive")
    return problems


def needs_empty_truth_and_positive(inputs, result):
    problems = needs_positives(inputs, result)
    a = result.assignment
    per_truth = a.mask_pos.sum(2)  # [B, M]
    valid = torch.arange(inputs["targets"].shape[1])[None, :] < torch.as_tensor(inputs["num_objs"])[:, None]
    if not bool(((per_truth == 0) & valid).any()):
        problems.append("every tiny truth got a positive (want one without)")
    return problems


def needs_edge_on_centre(inputs, result):
    problems = needs_positives(inputs, result)
    if not bool((result.assignment.in_box_distance == 0).any()):
        problems.append("no anchor centre exactly on an edge")
    return problems


def needs_no_positives(inputs, result):
    return [] if int(result.fg_mask.sum()) == 0 else ["positives in a batch without truths"]


CASES = [
    Case("yolov8_random", "2 images, 3 + 2 truths, C = 3, 128 x 128 (A = 336)", 8100, build_random, needs_positives),
    Case("yolov8_empty_image", "one image without truths (num_objs 0), one with 3", 8200, build_empty_image,
         needs_positives),
    Case("yolov8_no_truths", "no truth in the batch: every target 0, S = 1, box and DFL terms 0", 8300,
         build_no_truths, needs_no_positives),
    Case("yolov8_tiny_boxes", "boxes of 2-12 px, some with no anchor centre inside", 8400, build_tiny_boxes,
         needs_empty_truth_and_positive),
    Case("yolov8_border", "boxes flush with the image border, edges exactly on anchor centres", 8500, build_border,
         needs_edge_on_centre),
    Case("yolov8_shared_anchors", "two identical truths (lowest row wins) and two overlapping truths", 8600,
         build_shared, needs_conflict),
    Case("yolov8_large_logits", "class logits ~ N(-1, 15^2), distribution logits x 8", 8700, build_large_logits,
         needs_positives),
    Case("yolov8_padding", "M = 9 with 2 and 1 real rows: 15 padding rows", 8800, build_padding, needs_positives),
    Case("yolov8_custom_options", "reg_max 8, topk 5, alpha 1, beta 4, gains 5 / 1 / 0.5, C = 4", 8900,
         build_custom, needs_positives),
    Case("yolov8_160", "160 x 160 (A = 525), C = 2, 3 + 4 truths", 9000, build_160, needs_positives),
]
