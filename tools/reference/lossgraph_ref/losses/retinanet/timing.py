#!/usr/bin/python3
"""Time torchvision's own RetinaNet loss (RetinaNet.compute_loss: Matcher, focal loss, box loss; float32, CPU).

One shape:
    /usr/bin/python3 tools/reference/time_retinanet.py --batch 8 --classes 80 [--image-size 512] \
        [--box-loss l1] [--repeats 20] [--warmup 3] [--threads N]
prints one JSON line
    {"impl":"pytorch","batch":B,"forward_ms":{"median":X,"p95":X},
     "forward_backward_ms":{"median":X,"p95":X},"first_run_ms":X}

Server (for apps/bench, the protocol of time_original.py):
    /usr/bin/python3 tools/reference/time_retinanet.py --serve [--threads N]
reads JSON lines on stdin and answers one JSON line per command on stdout:
    {"cmd":"time","batch":8,"classes":80,"image_size":512,"box_loss":"l1","mode":"forward"|"forward_backward",
     "repeats":N[,"warmup":K][,"gap":{"kind":"idle"|"busy","ms":20}]} -> {"times_ms":[...],"first_run_ms":X}
    {"cmd":"quit"} -> exits.  A bad command gets {"error":"..."}.

The problem is `syntheticRetinanetFeeds` (packages/core/src/losses/retinanet/perf.ts), drawn with numpy from
the same distribution: torchvision's default RetinaNet anchors (9 per location, sizes x, x 2^(1/3),
x 2^(2/3) for x = 32 ... 512, ratios 0.5, 1, 2) on the 5-level pyramid of a square image (strides
8 ... 128: 49104 anchors on 512 x 512), 2-4 objects per image with sides in [S/16, S/2], cls_logits ~
N(-2, 2^2), bbox_regression ~ N(0, 0.2^2). Timed: the whole `RetinaNet.compute_loss` (matching
included, as a training step runs it), "forward_backward" adds `(classification + bbox_regression)
.backward()`. Inputs are generated once per shape, outside the timing. Progress goes to stderr only.
"""

import argparse
import time

import numpy as np
import torch

from lossgraph_ref import timing
from lossgraph_ref.torchvision_ref import RetinanetOptions, anchor_grid, retinanet_model, retinanet_sizes

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


def main():
    parser = argparse.ArgumentParser(description="Time torchvision's RetinaNet loss.")
    parser.add_argument("--serve", action="store_true", help="answer JSON-line commands on stdin")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--classes", type=int, default=80)
    parser.add_argument("--image-size", type=int, default=512)
    parser.add_argument("--box-loss", default="l1")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    timing.log(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    timer = timing.ShapeTimer(make_inputs, call_ms)
    if args.serve:
        key_of = lambda c: timer.shape(int(c["batch"]), int(c["classes"]), int(c.get("image_size", 512)),  # noqa: E731
                                       str(c.get("box_loss", "l1")))
        timing.serve(timer, key_of, "time_retinanet")
    else:
        key = timer.shape(args.batch, args.classes, args.image_size, args.box_loss)
        timing.report_one_shape(timer, key, args.batch, args.repeats, args.warmup)


if __name__ == "__main__":
    main()
