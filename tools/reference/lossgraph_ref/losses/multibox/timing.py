"""The multibox timing problem: the seed's MultiBoxLoss as it runs in training (original.py: float32,
per-image Python match loop, CPU), timed by tools/reference/time_loss.py --loss multibox [--priors ssd300]
(defaults: batch 32, 21 classes); a `time` command of its server may carry `priors`.

`priors` is "ssd300", "ssd512" or a number of random default boxes. "forward" runs the loss on inputs
that do not require gradients; "forward_backward" runs it on inputs that do and calls
(loss_l + loss_c).backward(). Inputs (about 3 objects per image, loc ~ N(0,1), logits ~ N(0,2^2)) are
generated once per shape, outside the timing. first_run_ms is the first call of that shape and mode
in this process (the CLI's first call is a forward). Progress goes to stderr only.
"""

import time

import numpy as np
import torch

from ... import dbox, draw
from .original import MultiBoxLoss

# the shape parameters, in the order make_inputs takes them, with their defaults
SHAPE = {"batch": 32, "classes": 21, "priors": "ssd300"}


def make_inputs(batch, classes, priors, seed=0):
    """(loc, conf, dbox, targets list) float32 CPU tensors for one shape."""
    rng = np.random.default_rng(seed)
    boxes = dbox.preset(priors).numpy() if priors in dbox.PRESETS else draw.random_priors(rng, int(priors))
    targets = []
    for _ in range(batch):
        count = int(rng.integers(2, 5))  # 2-4 objects, about 3 on average
        rows = draw.objects(draw.random_boxes(rng, count, 0.05, 0.6), draw.random_labels(rng, count, classes))
        targets.append(torch.from_numpy(rows))
    loc, conf = draw.predictions(rng, batch, boxes.shape[0], classes, conf_scale=2.0)
    return torch.from_numpy(loc), torch.from_numpy(conf), torch.from_numpy(boxes), targets


_LOSS = MultiBoxLoss(jaccard_thresh=0.5, neg_pos=3, device="cpu")


def call_ms(inputs, mode):
    """One call of the seed's loss (and its backward in forward_backward mode), in ms."""
    loc, conf, boxes, targets = inputs
    if mode == "forward_backward":
        loc = loc.detach().requires_grad_(True)
        conf = conf.detach().requires_grad_(True)
    start = time.perf_counter()
    loss_l, loss_c = _LOSS((loc, conf, boxes), targets)
    if mode == "forward_backward":
        (loss_l + loss_c).backward()
    return (time.perf_counter() - start) * 1e3
