"""The `retinanet` fixture cases, checked against torchvision's own RetinaNet loss. Same conventions as the
multibox cases (losses/multibox/cases.py): `build(rng)` returns (inputs, options) and
`verify(inputs, result, options)` the ways a draw misses what the case is for.

RetinaNet anchors come from torchvision's AnchorGenerator (pixel coordinates, 9 anchors per location:
sizes x, x 2^(1/3), x 2^(2/3) and aspect ratios 0.5, 1, 2); truths are drawn in pixels too.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ... import draw
from .torchvision_ref import RetinanetOptions, anchor_grid, retinanet_sizes


@dataclass(frozen=True)
class RetinanetCase:
    name: str
    description: str
    seed: int
    build: Callable
    verify: Optional[Callable] = None
    allow_exact_ties: bool = False


IMAGE = 128
# 3 levels (strides 16, 32, 64) on a 128 x 128 image: (64 + 16 + 4) x 9 = 756 anchors
SMALL_PYRAMID = dict(image_size=IMAGE, feature_sizes=[8, 4, 2], sizes=retinanet_sizes([32, 64, 128]))
# RetinaNet's 5 levels (strides 8 ... 128, base sizes 32 ... 512) on 128 x 128: 3069 anchors
FPN_128 = dict(image_size=IMAGE, feature_sizes=[16, 8, 4, 2, 1], sizes=retinanet_sizes([32, 64, 128, 256, 512]))


def _truths(rng, count, num_classes, lo=16.0, hi=100.0, image=IMAGE):
    """[count, 5] float32 rows: boxes in pixels (sides in [lo, hi]) inside the image, labels in [0, C-1]."""
    boxes = (draw.random_boxes(rng, count, lo / image, hi / image) * np.float32(image)).astype(np.float32)
    return draw.objects(boxes, rng.integers(0, num_classes, count))


def _inputs(rng, anchors, rows, max_objects, num_classes, logit_mean=-2.0, logit_sd=2.0, offset_sd=0.2):
    """A retinanet input dict: logits ~ N(mean, sd²) (biased towards background, as a trained head),
    offsets ~ N(0, offset_sd²)."""
    targets, num_objs = draw.pad(rows, max_objects)
    B, A = len(rows), anchors.shape[0]
    return {
        "cls_logits": rng.normal(logit_mean, logit_sd, (B, A, num_classes)).astype(np.float32),
        "bbox_regression": rng.normal(0.0, offset_sd, (B, A, 4)).astype(np.float32),
        "anchors": np.asarray(anchors, dtype=np.float32),
        "targets": targets,
        "num_objs": num_objs,
    }


def _build_random(box_loss, batch=2, num_classes=5, pyramid=SMALL_PYRAMID, options=None, clamp_some=False):
    def build(rng):
        anchors = anchor_grid(**pyramid)
        rows = [_truths(rng, int(rng.integers(1, 5)), num_classes) for _ in range(batch)]
        inputs = _inputs(rng, anchors, rows, 4, num_classes)
        if clamp_some:
            # a few anchors predict dw or dh beyond the decode clamp log(1000/16) = 4.14
            hit = rng.random(inputs["bbox_regression"].shape[:2]) < 0.15
            inputs["bbox_regression"][..., 2][hit] = np.float32(4.6)
        return inputs, options or RetinanetOptions(box_loss=box_loss)
    return build


def _verify_foreground(inputs, result, options):
    fg = (result.matched_idxs >= 0).sum(1)
    ignored = (result.matched_idxs == -2).sum()
    problems = []
    if not all(int(n) > 0 for n, k in zip(fg, inputs["num_objs"]) if k > 0):
        problems.append(f"an image with truths has no foreground anchor ({fg.tolist()})")
    if ignored == 0:
        problems.append("no anchor in the ignore band")
    return problems


def _verify_clamped(inputs, result, options):
    fg = result.matched_idxs >= 0
    beyond = (inputs["bbox_regression"][..., 2][fg] > math.log(1000.0 / 16)).sum()
    return _verify_foreground(inputs, result, options) + ([] if beyond else ["no foreground dw beyond the decode clamp"])


def _build_empty(rng):
    C = 5
    anchors = anchor_grid(**SMALL_PYRAMID)
    rows = [_truths(rng, 2, C), None, _truths(rng, 3, C)]
    return _inputs(rng, anchors, rows, 3, C), RetinanetOptions(box_loss="giou")


def _verify_empty(inputs, result, options):
    problems = [] if (result.matched_idxs[1] == -1).all() else ["image 1 has a matched anchor"]
    if np.abs(result.grad_bbox_regression[1]).max() != 0:
        problems.append("image 1 has a box gradient")
    return problems + _verify_foreground(inputs, result, options)


def _build_no_truths(rng):
    C = 4
    anchors = anchor_grid(**SMALL_PYRAMID)
    return _inputs(rng, anchors, [None, None], 2, C), RetinanetOptions(box_loss="smooth_l1")


def _verify_no_truths(inputs, result, options):
    problems = [] if (result.matched_idxs == -1).all() else ["an anchor is matched"]
    if result.loss_box != 0 or np.abs(result.grad_bbox_regression).max() != 0:
        problems.append("box loss or gradient not 0")
    if not result.loss_cls > 0:
        problems.append("classification loss not positive")
    return problems


def _build_large_logits(rng):
    C = 6
    anchors = anchor_grid(**SMALL_PYRAMID)
    rows = [_truths(rng, int(rng.integers(1, 5)), C) for _ in range(2)]
    inputs = _inputs(rng, anchors, rows, 4, C)
    # magnitudes 20 ... 100, both signs: sigmoid saturates in float32 (and for the largest in float64)
    magnitude = rng.uniform(20.0, 100.0, inputs["cls_logits"].shape)
    inputs["cls_logits"] = (np.sign(rng.standard_normal(magnitude.shape)) * magnitude).astype(np.float32)
    return inputs, RetinanetOptions(box_loss="diou")


def _verify_large_logits(inputs, result, options):
    return [] if np.abs(inputs["cls_logits"]).min() >= 20 else ["a logit below 20 in magnitude"]


def _iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


# image 0 of retinanet_low_quality_ties, integer pixel coordinates on a 64 x 64 canvas: every area and
# intersection is an exact integer in float32, so equal IoUs are equal in any precision
T0, T1, T2 = [20, 20, 36, 36], [35, 21, 51, 37], [4, 44, 20, 60]
A_LEFT, A_RIGHT = [12, 20, 28, 36], [28, 20, 44, 36]  # IoU 1/3 with T0 each: T0's tied best anchors
A_T1 = [36, 22, 52, 38]  # T1's best anchor (IoU 0.78); A_RIGHT's own best truth is T1 (IoU 0.358 > 1/3)
A_T2, A_T2_NEAR = [4, 44, 20, 60], [6, 44, 22, 60]  # IoU 1 and 0.78 with T2 and its identical copy T3
TIE_ANCHORS = [A_LEFT, A_RIGHT, A_T1, A_T2, A_T2_NEAR]


def _build_ties(rng):
    C = 4
    fillers = []
    while len(fillers) < 60:
        w, h = rng.integers(8, 25, 2)
        x, y = rng.integers(0, 64 - w), rng.integers(0, 64 - h)
        box = [int(x), int(y), int(x + w), int(y + h)]
        if all(_iou(box, t) < 0.3 for t in (T0, T1, T2)):
            fillers.append(box)
    anchors = np.array(TIE_ANCHORS + fillers, dtype=np.float32)
    image0 = draw.objects(np.array([T0, T1, T2, T2], dtype=np.float32), [1, 2, 0, 3])
    w1 = rng.integers(10, 30, (2, 2))
    corner = rng.integers(0, 30, (2, 2))
    image1 = draw.objects(np.concatenate([corner, corner + w1], 1).astype(np.float32), rng.integers(0, C, 2))
    return _inputs(rng, anchors, [image0, image1], 4, C), RetinanetOptions(box_loss="l1")


def _verify_ties(inputs, result, options):
    m = result.matched_idxs[0]
    iou = result.ious[0]
    problems = []
    tied = (iou[0] == iou[0].max()).nonzero().flatten().tolist()
    if tied != [0, 1] or float(iou[0].max()) >= options.bg_iou_thresh:
        problems.append(f"truth 0's best anchors are {tied} at IoU {float(iou[0].max())}, not the two tied low-quality ones")
    want = {0: 0, 1: 1, 2: 1, 3: 2, 4: 2}
    for anchor, truth in want.items():
        if int(m[anchor]) != truth:
            problems.append(f"anchor {anchor} matched {int(m[anchor])}, expected truth {truth}")
    if (m == 3).any():
        problems.append("an anchor matched truth 3 (identical to truth 2: the lowest index must win)")
    return problems


def _build_custom(rng):
    C = 5
    anchors = anchor_grid(**SMALL_PYRAMID)
    rows = [_truths(rng, int(rng.integers(2, 5)), C) for _ in range(2)]
    options = RetinanetOptions(fg_iou_thresh=0.6, bg_iou_thresh=0.3, focal_alpha=0.6, focal_gamma=0.5, box_loss="l1")
    return _inputs(rng, anchors, rows, 4, C), options


def _verify_custom(inputs, result, options):
    best = [iou.max(0).values for iou in result.ious if iou is not None]
    band = any(bool(((b >= 0.3) & (b < 0.4)).any()) for b in best) and any(bool(((b >= 0.5) & (b < 0.6)).any()) for b in best)
    return _verify_foreground(inputs, result, options) + ([] if band else ["the custom thresholds change no anchor"])


def _build_alpha_off(rng):
    C = 3
    anchors = anchor_grid(**SMALL_PYRAMID)
    rows = [_truths(rng, int(rng.integers(1, 4)), C) for _ in range(2)]
    options = RetinanetOptions(focal_alpha=-1.0, focal_gamma=0.0, box_loss="smooth_l1")
    return _inputs(rng, anchors, rows, 3, C), options


def _build_no_low_quality(rng):
    C = 4
    anchors = anchor_grid(**SMALL_PYRAMID)
    # small truths: their best anchors sit below the fg threshold, so low-quality matching would add them
    rows = [_truths(rng, 3, C, 12.0, 30.0) for _ in range(2)]
    return _inputs(rng, anchors, rows, 3, C), RetinanetOptions(box_loss="ciou", allow_low_quality_matches=False)


def _verify_no_low_quality(inputs, result, options):
    low = any(float(iou[t].max()) < options.fg_iou_thresh for iou in result.ious if iou is not None for t in range(iou.size(0)))
    return [] if low else ["every truth has a foreground anchor anyway"]


def _build_fpn(rng):
    C = 20
    anchors = anchor_grid(**FPN_128)
    rows = [_truths(rng, int(rng.integers(2, 6)), C, 16.0, 120.0) for _ in range(2)]
    return _inputs(rng, anchors, rows, 5, C), RetinanetOptions(box_loss="l1")


CASES = [
    RetinanetCase("retinanet_l1", "RetinaNet loss (torchvision defaults: fg 0.5, bg 0.4, alpha 0.25, gamma 2, l1), "
                  "756 anchors (3 levels on 128 x 128), batch 2, 5 classes, 1-4 truths per image",
                  11000, _build_random("l1"), _verify_foreground),
    RetinanetCase("retinanet_smooth_l1", "as retinanet_l1 with the smooth_l1 box loss (beta 1)",
                  11100, _build_random("smooth_l1"), _verify_foreground),
    RetinanetCase("retinanet_giou", "giou box loss on the decoded boxes; some foreground dw beyond the decode clamp",
                  11200, _build_random("giou", clamp_some=True), _verify_clamped),
    RetinanetCase("retinanet_diou", "diou box loss on the decoded boxes", 11300, _build_random("diou"),
                  _verify_foreground),
    RetinanetCase("retinanet_ciou", "ciou box loss (aspect term through atan, alpha without gradient); some "
                  "foreground dw beyond the decode clamp", 11400, _build_random("ciou", clamp_some=True),
                  _verify_clamped),
    RetinanetCase("retinanet_empty_image", "batch 3, image 1 without truths (every anchor -1, focal loss over all "
                  "its anchors, no box loss), giou", 11500, _build_empty, _verify_empty),
    RetinanetCase("retinanet_no_truths", "no image has truths: box loss 0, focal loss over every anchor",
                  11600, _build_no_truths, _verify_no_truths),
    RetinanetCase("retinanet_large_logits", "logits of magnitude 20-100, both signs (saturated sigmoid), diou",
                  11700, _build_large_logits, _verify_large_logits),
    RetinanetCase("retinanet_low_quality_ties", "integer coordinates, deliberate exact IoU ties: truth 0's two best "
                  "anchors tie at IoU 1/3 (below bg) and both are matched back, one to its own best truth 1; "
                  "truths 2 and 3 are identical (the lowest index wins)", 11800, _build_ties,
                  _verify_ties, allow_exact_ties=True),
    RetinanetCase("retinanet_custom_options", "fg 0.6, bg 0.3, alpha 0.6, gamma 0.5 (below 1), l1",
                  11900, _build_custom, _verify_custom),
    RetinanetCase("retinanet_alpha_off", "alpha -1 (no class weighting), gamma 0 (plain BCE), smooth_l1",
                  12000, _build_alpha_off, _verify_foreground),
    RetinanetCase("retinanet_no_low_quality", "Matcher without low-quality matches (metadata "
                  "allow_low_quality_matches false), small truths, ciou", 12100, _build_no_low_quality,
                  _verify_no_low_quality),
    RetinanetCase("retinanet_fpn_c20", "RetinaNet's 5-level anchors (3069 on 128 x 128), batch 2, 20 classes, l1",
                  12200, _build_fpn, _verify_foreground),
]
