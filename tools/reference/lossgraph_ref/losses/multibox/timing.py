#!/usr/bin/python3
"""Time the seed's MultiBoxLoss (torch original: float32, per-image Python match loop, CPU).

One shape:
    /usr/bin/python3 tools/reference/time_original.py --batch 32 --classes 21 --priors ssd300 \
        [--repeats 20] [--warmup 3] [--threads N]
prints one JSON line
    {"impl":"pytorch","batch":B,"forward_ms":{"median":X,"p95":X},
     "forward_backward_ms":{"median":X,"p95":X},"first_run_ms":X}

Server (for apps/bench):
    /usr/bin/python3 tools/reference/time_original.py --serve [--threads N]
reads JSON lines on stdin and answers one JSON line per command on stdout:
    {"cmd":"time","batch":8,"classes":21,"priors":"ssd300","mode":"forward","repeats":20[,"warmup":0][,"gap":{"kind":"idle","ms":20}]}
        -> {"times_ms":[...],"first_run_ms":X}
    {"cmd":"quit"} -> exits.  A bad command gets {"error":"..."}.

`priors` is "ssd300", "ssd512" or a number of random default boxes. "forward" runs the loss on inputs
that do not require gradients; "forward_backward" runs it on inputs that do and calls
(loss_l + loss_c).backward(). Inputs (about 3 objects per image, loc ~ N(0,1), logits ~ N(0,2^2)) are
generated once per shape, outside the timing. first_run_ms is the first call of that shape and mode
in this process (the CLI's first call is a forward). Progress goes to stderr only.
"""

import argparse
import time

import numpy as np
import torch

from lossgraph_ref import dbox, draw, timing
from lossgraph_ref.original import MultiBoxLoss

log = timing.log


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


def make_timer():
    """A timer of the seed loss on cached inputs, keyed by (batch, classes, priors)."""
    loss = MultiBoxLoss(jaccard_thresh=0.5, neg_pos=3, device="cpu")

    def call_ms(inputs, mode):
        loc, conf, boxes, targets = inputs
        if mode == "forward_backward":
            loc = loc.detach().requires_grad_(True)
            conf = conf.detach().requires_grad_(True)
        start = time.perf_counter()
        loss_l, loss_c = loss((loc, conf, boxes), targets)
        if mode == "forward_backward":
            (loss_l + loss_c).backward()
        return (time.perf_counter() - start) * 1e3

    return timing.ShapeTimer(lambda batch, classes, priors: make_inputs(batch, classes, priors), call_ms)


def main():
    parser = argparse.ArgumentParser(description="Time the seed's PyTorch MultiBoxLoss.")
    parser.add_argument("--serve", action="store_true", help="answer JSON-line commands on stdin")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--classes", type=int, default=21)
    parser.add_argument("--priors", default="ssd300", help="ssd300, ssd512 or a number of random priors")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    log(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    timer = make_timer()
    if args.serve:
        timing.serve(timer, lambda c: timer.shape(int(c["batch"]), int(c["classes"]), str(c.get("priors", "ssd300"))),
                     "time_original")
    else:
        key = timer.shape(args.batch, args.classes, str(args.priors))
        timing.report_one_shape(timer, key, args.batch, args.repeats, args.warmup)


if __name__ == "__main__":
    main()
