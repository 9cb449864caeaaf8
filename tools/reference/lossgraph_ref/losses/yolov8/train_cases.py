"""The yolov8 training-step fixture case (docs/FIXTURES.md "Training steps", loss `yolov8`) and the hooks of
lossgraph_ref/train_fixtures.py's `build` that are the YOLOv8 loss's own: targets in
pixels (one large truth per image, so that the stride-32 level wins some), `anchor_points` and `stride_tensor`
as the batch's non-model loss inputs, and the assigner's float32 margins (cases.py) plus
the CIoU's min/max operands checked at the forward of every step.
"""

import numpy as np
import torch

from ...train_fixtures import TrainCase
from ...train_models import randomise_batch_norms
from .cases import margin_problems, run
from .reference import Options, make_anchors
from .training import PRIORS, options_metadata
from .train_model import REG_MAX, STRIDES, TinyYolo

OPTIONS = Options(reg_max=REG_MAX)  # Ultralytics' defaults otherwise: topk 10, alpha 0.5, beta 6, gains 7.5 / 0.5 / 1.5
CIOU_TOL = 1e-4  # grid units: CIoU min/max operands (a predicted and a truth edge) or an intersection side this close
LARGE_SIDES = (40.0, 60.0)  # px, the first truth of an image
SIDES = (10.0, 40.0)  # px, the others

# Ultralytics' default optimizer for detection training: SGD, momentum 0.937, Nesterov, weight decay 5e-4
SGD_ULTRALYTICS = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "0.0005", "momentum": "0.937",
                   "dampening": "0.0", "nesterov": "true"}


def truths(case, rng, n):
    """(boxes, labels) of one image's n truths: boxes in pixels (the first one large, so that the stride-32 level
    wins some), labels 0 .. C-1."""
    size = case.image_size
    sides = np.concatenate([rng.uniform(*LARGE_SIDES, (1, 2)), rng.uniform(*SIDES, (n - 1, 2))])
    corner = rng.uniform(0, 1, (n, 2)) * (size - sides)
    boxes = np.concatenate([corner, corner + sides], 1).astype(np.float32)
    return boxes, rng.integers(0, case.num_classes, n)


def priors(case):
    """`anchor_points` and `stride_tensor` of the case's image size, as Ultralytics' make_anchors gives them."""
    points, strides = make_anchors((case.image_size, case.image_size), STRIDES)
    return {"anchor_points": points.numpy().astype(np.float32), "stride_tensor": strides.numpy().astype(np.float32)}


def metadata(case):
    return {"loss": "yolov8", **options_metadata(OPTIONS), "num_classes": str(case.num_classes),
            "image_size": str(case.image_size), "strides": ",".join(str(s) for s in STRIDES)}


def _pred_boxes(D, points, reg_max):
    """Decoded boxes [B, A, 4] in grid units, as the loss decodes them."""
    B, A, _ = D.shape
    distances = (D.view(B, A, 4, reg_max).softmax(-1) * torch.arange(reg_max, dtype=D.dtype)).sum(-1)
    return torch.cat([points - distances[..., :2], points + distances[..., 2:]], -1)


def step_problems(k, D, X, tensors, options):
    """The assigner's margins and the CIoU's operands at the forward of step k."""
    inputs = {"pred_distri": D.numpy(), "pred_scores": X.numpy(), **{name: tensors[name] for name in PRIORS},
              "targets": tensors["targets"], "num_objs": tensors["num_objs"]}
    result = run(inputs, options)
    problems = [f"step {k}: {p}" for p in margin_problems(inputs, options, result)]
    a = result.assignment
    fg = a.fg_mask
    if bool(fg.any()):
        points = torch.from_numpy(tensors["anchor_points"]).double()
        strides = torch.from_numpy(tensors["stride_tensor"]).double()
        pred = _pred_boxes(D, points, options.reg_max)[fg]
        truth = (a.target_boxes / strides)[fg]
        edge = float((pred - truth).abs().min())
        sides = torch.minimum(pred[:, 2:], truth[:, 2:]) - torch.maximum(pred[:, :2], truth[:, :2])
        side = float(sides.abs().min())
        if edge < CIOU_TOL or side < CIOU_TOL:
            problems.append(f"step {k}: CIoU operands {edge:.1e} apart, intersection side {side:.1e}")
    return problems, result


def problems(case, loss_fn, tensors, run64):
    """Every step's margins; at step 0, a positive on every level (else a head branch gets no box gradient)."""
    problems = []
    for k, (D, X) in enumerate(loss_fn.history[:case.steps]):
        found, result = step_problems(k, D, X, tensors, loss_fn.options)
        problems += found
        if k == 0:
            strides = torch.from_numpy(tensors["stride_tensor"][:, 0])
            for s in STRIDES:
                if not bool(result.assignment.fg_mask[:, strides == s].any()):
                    problems.append(f"no positive anchor on the stride-{s} level")
    return problems


CASES = [
    TrainCase(
        name="train_yolov8_tiny_sgd_nesterov",
        description="YOLO-style detector (lossgraph_ref/losses/yolov8/train_model.py): five stride-2 conv-BN-SiLU "
                    "blocks (SiLU exported as Sigmoid * Mul), a Detect-like head per level P3 8x8, P4 4x4, P5 2x2 "
                    f"(box branch to 4 x {REG_MAX} channels, class branch to C, not shared), A 84, reg_max "
                    f"{REG_MAX}, C 3, yolov8 loss (Ultralytics' defaults otherwise), image 1 without objects, "
                    "SGD lr 0.01 momentum 0.937 Nesterov weight decay 5e-4 (Ultralytics' defaults), B 3, 64x64",
        loss="yolov8", model=TinyYolo, num_classes=3, optimizer=SGD_ULTRALYTICS, first_seed=20262106,
        empty_image=1, batch=3, prepare=randomise_batch_norms),
]
