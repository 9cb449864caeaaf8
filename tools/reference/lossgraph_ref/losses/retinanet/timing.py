"""The retinanet timing problem: torchvision's own RetinaNet loss (RetinaNet.compute_loss: Matcher, focal loss,
box loss; float32, CPU), timed by tools/reference/time_loss.py --loss retinanet [--image-size 512]
[--box-loss l1] (defaults: batch 8, 80 classes); a `time` command of its server may carry `image_size` and
`box_loss`.

The problem is `syntheticRetinanetFeeds` (packages/core/src/losses/retinanet/perf.ts), drawn with numpy from
the same distribution: torchvision's default RetinaNet anchors (9 per location, sizes x, x 2^(1/3),
x 2^(2/3) for x = 32 ... 512, ratios 0.5, 1, 2) on the 5-level pyramid of a square image (strides
8 ... 128: 49104 anchors on 512 x 512), 2-4 objects per image with sides in [S/16, S/2], cls_logits ~
N(-2, 2^2), bbox_regression ~ N(0, 0.2^2). Timed: the whole `RetinaNet.compute_loss` (matching
included, as a training step runs it), "forward_backward" adds `(classification + bbox_regression)
.backward()`. Inputs are generated once per shape, outside the timing. Progress goes to stderr only.
"""

import time

import numpy as np
import torch

from .torchvision_ref import RetinanetOptions, anchor_grid, retinanet_model, retinanet_sizes

# the shape parameters, in the order make_inputs takes them, with their defaults
SHAPE = {"batch": 8, "classes": 80, "image_size": 512, "box_loss": "l1"}
STRIDES = (8, 16, 32, 64, 128)


def make_inputs(batch, classes, image_size, box_loss, seed=0):
    """(model, head outputs, anchors list, targets list): float32 CPU tensors for one shape."""
    if image_size % 128:
        raise ValueError(f"image_size must be a multiple of 128, got {image_size}")
    rng = np.random.default_rng(seed)
    anchors = torch.from_numpy(anchor_grid(image_size, [image_size // s for s in STRIDES],
                                           retinanet_sizes([32, 64, 128, 256, 512])))
    A = anchors.shape[0]
    targets = []
    for _ in range(batch):
        count = int(rng.integers(2, 5))
        w, h = (rng.uniform(image_size / 16, image_size / 2, count) for _ in range(2))
        x0, y0 = rng.uniform(0, image_size - w), rng.uniform(0, image_size - h)
        boxes = np.stack([x0, y0, x0 + w, y0 + h], 1).astype(np.float32)
        targets.append({"boxes": torch.from_numpy(boxes), "labels": torch.from_numpy(rng.integers(0, classes, count))})
    cls = torch.from_numpy(rng.normal(-2.0, 2.0, (batch, A, classes)).astype(np.float32))
    reg = torch.from_numpy(rng.normal(0.0, 0.2, (batch, A, 4)).astype(np.float32))
    model = retinanet_model(classes, RetinanetOptions(box_loss=box_loss))
    return model, cls, reg, [anchors] * batch, targets


def call_ms(inputs, mode):
    """One call of RetinaNet.compute_loss (and its backward in forward_backward mode), in ms."""
    model, cls, reg, anchors, targets = inputs
    if mode == "forward_backward":
        cls = cls.detach().requires_grad_(True)
        reg = reg.detach().requires_grad_(True)
    start = time.perf_counter()
    with torch.set_grad_enabled(mode == "forward_backward"):
        losses = model.compute_loss(targets, {"cls_logits": cls, "bbox_regression": reg}, anchors)
        if mode == "forward_backward":
            (losses["classification"] + losses["bbox_regression"]).backward()
    return (time.perf_counter() - start) * 1e3
