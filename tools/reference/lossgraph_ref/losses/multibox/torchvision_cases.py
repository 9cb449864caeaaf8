"""The multibox fixture cases of the `torchvision` profile, checked against torchvision's own SSD loss.
Same conventions as cases.py: `build(rng)` returns (inputs, options) and `verify(inputs, results, options)`
the ways a draw misses what the case is for (`results` is (torchvision's result, the seed's)).
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ... import dbox, draw
from .reference import Options
from .torchvision_fixtures import double_counted


@dataclass(frozen=True)
class TorchvisionCase:
    name: str
    description: str
    seed: int
    build: Callable
    verify: Optional[Callable] = None
    allow_exact_ties: bool = False


def _random_objects(rng, count, num_classes, min_size=0.05, max_size=0.6):
    return draw.objects(draw.random_boxes(rng, count, min_size, max_size), draw.random_labels(rng, count, num_classes))


def _build_ssd(P, num_classes, batch, max_objects, options=Options(), empty=()):
    def build(rng):
        priors = draw.random_priors(rng, P)
        rows = [None if b in empty else _random_objects(rng, int(rng.integers(1, max_objects + 1)), num_classes)
                         for b in range(batch)]
        return draw.inputs(rng, priors, rows, max_objects, num_classes), options
    return build


def _build_ssd300(rng):
    priors = dbox.preset("ssd300").numpy()
    rows = [_random_objects(rng, int(rng.integers(1, 6)), 5, 0.05, 0.7) for _ in range(2)]
    return draw.inputs(rng, priors, rows, 5, 5), Options()


def _build_run_out(rng):
    C, P = 4, 24
    priors = draw.random_priors(rng, P, 0.1, 0.4)
    chosen = rng.choice(P, 10, replace=False)
    centres = priors[chosen, :2] + rng.uniform(-0.01, 0.01, (10, 2))
    crowd = draw.boxes_around(rng, centres, 0.1, 0.4)
    rows = [draw.objects(crowd, draw.random_labels(rng, 10, C)), _random_objects(rng, 1, C)]
    return draw.inputs(rng, priors, rows, 10, C), Options()


def _verify_run_out(inputs, results, options):
    tv, _ = results
    P = inputs["dbox_list"].shape[0]
    n0, n1 = (int(n) for n in tv.num_pos)
    problems = []
    if not (n0 > 0 and double_counted(n0, options.neg_pos, P) == n0):
        problems.append(f"image 0 ({n0} positives) does not run out of negatives entirely")
    if double_counted(n1, options.neg_pos, P) != 0:
        problems.append("image 1 runs out of negatives")
    return problems


def _verify_ssd_empty(inputs, results, options):
    tv, _ = results
    return [] if int(tv.num_pos[1]) == 0 and np.abs(tv.grad_conf[1]).max() == 0 else ["image 1 contributes"]


def _verify_ssd_no_truths(inputs, results, options):
    tv, _ = results
    zero = tv.loss_l == 0 and tv.loss_c == 0 and np.abs(tv.grad_conf).max() == 0 and np.abs(tv.grad_loc).max() == 0
    return [] if zero else ["a loss or gradient is not 0"]


SSD_CUSTOM = Options(jaccard_thresh=0.35, neg_pos=5, variances=(0.15, 0.25))

CASES = [
    TorchvisionCase("tv_ssd_random", "torchvision SSD.compute_loss (profile torchvision), 160 random priors, batch 2, "
                    "6 classes", 13000, _build_ssd(160, 6, 2, 4)),
    TorchvisionCase("tv_ssd300_c5", "profile torchvision on the SSD300 default boxes (8732, the mining fast path), "
                    "batch 2, 5 classes", 13100, _build_ssd300),
    TorchvisionCase("tv_ssd_negatives_run_out", "P = 24, image 0 with 10 crowded truths: neg_pos * num_pos >= P, so the "
                    "selection takes every negative and every positive again (counted twice); image 1 ordinary",
                    13200, _build_run_out, _verify_run_out),
    TorchvisionCase("tv_ssd_empty_image", "profile torchvision, batch 3, image 1 without truths",
                    13300, _build_ssd(96, 5, 3, 3, empty=(1,)), _verify_ssd_empty),
    TorchvisionCase("tv_ssd_no_truths", "profile torchvision, no truths in the batch: losses and gradients 0",
                    13400, _build_ssd(64, 4, 2, 2, empty=(0, 1)), _verify_ssd_no_truths),
    TorchvisionCase("tv_ssd_custom_options", "profile torchvision, jaccard_thresh 0.35, neg_pos 5, variance 0.15,0.25",
                    13500, _build_ssd(128, 7, 2, 4, options=SSD_CUSTOM)),
]
