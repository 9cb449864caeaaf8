"""The yolov8 timing problem: the YOLOv8 detection loss on torch (reference.py, the independent port of
Ultralytics' v8DetectionLoss: task-aligned assigner, BCE, CIoU, DFL) in float32 on the CPU, timed by
tools/reference/time_loss.py --loss yolov8 [--image-size 640] (defaults: batch 16, 80 classes); a `time`
command of its server may carry `image_size`.

The problem is the timing problem of core's yolov8 registry entry (packages/core/src/losses/yolov8/perf.ts),
drawn with numpy from the same distribution: the anchors of a square image on strides 8, 16, 32 (8400 on
640 x 640), reg_max 16, 2-4 objects per image with sides in [S/16, S/2] (padded to M = 4 rows),
pred_distri ~ N(0, 1), pred_scores ~ N(-4, 2^2). Timed: the whole loss (assignment included, as a training
step runs it), top-k with torch.topk as Ultralytics does; "forward_backward" adds the backward of the sum of
the three terms. Inputs are generated once per shape, outside the timing. Progress goes to stderr only.
"""

import time

import numpy as np
import torch

from .reference import Options, loss_terms, make_anchors

# the shape parameters, in the order make_inputs takes them, with their defaults
SHAPE = {"batch": 16, "classes": 80, "image_size": 640}
REG_MAX = 16
MAX_OBJECTS = 4


def make_inputs(batch, classes, image_size, seed=0):
    """(pred_distri, pred_scores, anchor_points, stride_tensor, targets, num_objs): float32 CPU tensors."""
    if image_size % 32:
        raise ValueError(f"image_size must be a multiple of 32, got {image_size}")
    rng = np.random.default_rng(seed)
    points, strides = (t.to(torch.float32) for t in make_anchors((image_size, image_size)))
    A = points.shape[0]
    targets = np.zeros((batch, MAX_OBJECTS, 5), np.float32)
    num_objs = np.zeros(batch, np.int64)
    for b in range(batch):
        count = int(rng.integers(2, 5))
        w, h = (rng.uniform(image_size / 16, image_size / 2, count) for _ in range(2))
        x0, y0 = rng.uniform(0, image_size - w), rng.uniform(0, image_size - h)
        targets[b, :count] = np.stack([x0, y0, x0 + w, y0 + h, rng.integers(0, classes, count)], 1)
        num_objs[b] = count
    distri = torch.from_numpy(rng.normal(0.0, 1.0, (batch, A, 4 * REG_MAX)).astype(np.float32))
    scores = torch.from_numpy(rng.normal(-4.0, 2.0, (batch, A, classes)).astype(np.float32))
    return distri, scores, points, strides, torch.from_numpy(targets), torch.from_numpy(num_objs)


def call_ms(inputs, mode):
    """One call of the loss (and its backward in forward_backward mode), in ms."""
    distri, scores, points, strides, targets, num_objs = inputs
    if mode == "forward_backward":
        distri = distri.detach().requires_grad_(True)
        scores = scores.detach().requires_grad_(True)
    start = time.perf_counter()
    with torch.set_grad_enabled(mode == "forward_backward"):
        box, cls, dfl, _ = loss_terms(distri, scores, points, strides, targets, num_objs, Options(reg_max=REG_MAX),
                                      tie="torch")
        if mode == "forward_backward":
            (box + cls + dfl).backward()
    return (time.perf_counter() - start) * 1e3
