"""The multibox fixture cases of the seed profile: how each one's inputs are drawn and what each must exercise.

A case has a `build(rng)` that returns (inputs, Options) and a `verify(inputs, result, options)` that
returns the ways a draw fails to exercise what the case is for (an empty list when it does).
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ... import dbox, draw
from .reference import Options

DEFAULT = Options()


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    seed: int
    build: Callable
    verify: Optional[Callable] = None
    allow_exact_ties: bool = False  # deliberate exact IoU ties (argmax tie rule), never mining ties


def _random_objects(rng, count, num_classes, min_size=0.05, max_size=0.6):
    return draw.objects(draw.random_boxes(rng, count, min_size, max_size),
                        draw.random_labels(rng, count, num_classes))


# -- ssd300_random_b2_c21 / ssd512_c81_b1 --------------------------------------------------------

def _build_preset(preset, batch, num_classes):
    def build(rng):
        priors = dbox.preset(preset).numpy()
        rows = [_random_objects(rng, int(rng.integers(1, 6)), num_classes, 0.05, 0.7)
                for _ in range(batch)]
        return draw.inputs(rng, priors, rows, 5, num_classes), DEFAULT
    return build


# -- crowded_shared_prior -------------------------------------------------------------------------

def _build_crowded(rng):
    C = 6
    base = draw.random_boxes(rng, 2, 0.15, 0.4)
    # two priors close to truth box 0, so it has a positive prior besides its forced one
    centre = (base[0, :2] + base[0, 2:]) / 2
    size = base[0, 2:] - base[0, :2]
    near = np.concatenate([centre + rng.uniform(-0.02, 0.02, (2, 2)) * size,
                           size * rng.uniform(0.9, 1.1, (2, 2))], 1).astype(np.float32)
    priors = draw.random_priors(rng, 128)
    priors[rng.choice(128, 2, replace=False)] = near
    labels = rng.permutation(C - 1)
    # image 0: truths 0 and 1 identical (exact IoU ties), truth 2 elsewhere
    image0 = draw.objects(np.stack([base[0], base[0], draw.random_boxes(rng, 1)[0]]), labels[:3])
    # image 1: three near-identical truths (shifted by about 1% of the box), distinct labels
    jitter = rng.uniform(-0.004, 0.004, (3, 4))
    jitter[0] = 0
    shifted = np.clip(base[1][None, :] + jitter, 0, 1)
    image1 = draw.objects(draw.boxes_from_corners(*shifted.T), labels[2:5])
    return draw.inputs(rng, priors, [image0, image1], 3, C), DEFAULT


def _verify_crowded(inputs, result, options):
    problems = []
    for b, detail in enumerate(result.details):
        labels = inputs["targets"][b, :inputs["num_objs"][b], 4].astype(np.int64)
        best = detail.best_prior_idx.tolist()
        shared = [p for p in set(best) if best.count(p) >= 2]
        if not shared:
            problems.append(f"image {b}: no prior is the best prior of two truths")
        for p in shared:
            owners = [t for t, q in enumerate(best) if q == p]
            last, first = max(owners), min(owners)
            if int(detail.best_truth_idx[p]) != last:
                problems.append(f"image {b}: prior {p} not assigned to its last truth {last}")
            if int(result.conf_t_label[b, p]) != labels[last] + 1:
                problems.append(f"image {b}: prior {p} label is not the last truth's")
            if labels[last] == labels[first]:
                problems.append(f"image {b}: first and last truth share a label at prior {p}")
    # image 0: a positive prior that is not forced takes the lowest of the two identical truths
    detail = result.details[0]
    free = [p for p in range(detail.best_truth_idx.numel())
            if p not in detail.best_prior_idx.tolist() and int(result.conf_t_label[0, p]) > 0]
    if not any(int(detail.best_truth_idx[p]) == 0 for p in free):
        problems.append("image 0: no threshold-positive prior matched by the tie rule to truth 0")
    return problems


# -- tiny_boxes_forced ----------------------------------------------------------------------------

def _build_tiny(rng):
    C = 5
    priors = draw.random_priors(rng, 96)
    rows = []
    for _ in range(2):
        centres = priors[rng.choice(len(priors), 2, replace=False), :2]
        centres = centres + rng.uniform(-0.01, 0.01, centres.shape)
        tiny = draw.boxes_around(rng, centres, 0.004, 0.015)
        boxes = np.concatenate([tiny, draw.random_boxes(rng, 1, 0.2, 0.5)])
        rows.append(draw.objects(boxes, draw.random_labels(rng, 3, C)))
    return draw.inputs(rng, priors, rows, 3, C), DEFAULT


def _verify_tiny(inputs, result, options):
    problems = []
    for b, detail in enumerate(result.details):
        for t in range(2):  # the two tiny truths of each image
            p = int(detail.best_prior_idx[t])
            label = int(inputs["targets"][b, t, 4]) + 1
            if float(detail.best_prior_overlap[t]) >= options.jaccard_thresh:
                problems.append(f"image {b}: tiny truth {t} reaches the threshold")
            if float(detail.best_prior_overlap[t]) <= 0:
                problems.append(f"image {b}: tiny truth {t} overlaps no prior")
            if int(detail.best_truth_idx[p]) != t or int(result.conf_t_label[b, p]) != label:
                problems.append(f"image {b}: tiny truth {t} is not forced onto prior {p}")
    return problems


# -- empty_image / no_positives -------------------------------------------------------------------

def _build_empty(rng):
    C = 5
    priors = draw.random_priors(rng, 96)
    rows = [_random_objects(rng, 2, C), None, _random_objects(rng, 3, C)]
    return draw.inputs(rng, priors, rows, 3, C), DEFAULT


def _verify_empty(inputs, result, options):
    problems = []
    if int(result.num_pos[1]) != 0 or bool(result.neg_mask[1].any()):
        problems.append("the empty image has positives or mined negatives")
    if float(result.grad_conf[1].abs().max()) != 0 or float(result.grad_loc[1].abs().max()) != 0:
        problems.append("the empty image has a gradient")
    if int(result.num_pos[0]) == 0 or int(result.num_pos[2]) == 0:
        problems.append("a non-empty image has no positives")
    return problems


def _build_no_positives(rng):
    C = 4
    priors = draw.random_priors(rng, 64)
    return draw.inputs(rng, priors, [None, None], 2, C), DEFAULT


def _verify_no_positives(inputs, result, options):
    zero = (result.loss_l == 0 and result.loss_c == 0 and float(result.grad_loc.abs().max()) == 0
            and float(result.grad_conf.abs().max()) == 0)
    return [] if zero else ["N = 0 but a loss or gradient is not 0"]


# -- large_logits ---------------------------------------------------------------------------------

def _build_large_logits(rng):
    C = 8
    priors = draw.random_priors(rng, 160)
    rows = [_random_objects(rng, int(rng.integers(1, 5)), C) for _ in range(2)]
    return draw.inputs(rng, priors, rows, 4, C, conf_scale=3000.0), DEFAULT


def _verify_large_logits(inputs, result, options):
    magnitude = np.median(np.abs(inputs["conf_data"]))
    return [] if magnitude >= 1e3 else [f"median |logit| {magnitude} < 1e3"]


# -- custom_options -------------------------------------------------------------------------------

CUSTOM = Options(jaccard_thresh=0.35, neg_pos=5, variances=(0.15, 0.25))


def _build_custom(rng):
    C = 7
    priors = draw.random_priors(rng, 128)
    rows = [_random_objects(rng, int(rng.integers(1, 5)), C) for _ in range(2)]
    return draw.inputs(rng, priors, rows, 4, C), CUSTOM


def _verify_custom(inputs, result, options):
    problems = []
    if not any(((d.best_truth_overlap >= 0.35) & (d.best_truth_overlap < 0.5)).any()
               for d in result.details if d is not None):
        problems.append("no prior with 0.35 <= IoU < 0.5 (threshold not exercised)")
    if not any(int(n) > 3 * int(p) for n, p in zip(result.num_neg, result.num_pos)):
        problems.append("neg_pos 5 not exercised")
    return problems


# -- negatives_clamped ----------------------------------------------------------------------------

def _build_clamped(rng):
    C = 4
    P = 24
    priors = draw.random_priors(rng, P, 0.1, 0.4)
    chosen = rng.choice(P, 10, replace=False)
    centres = priors[chosen, :2] + rng.uniform(-0.01, 0.01, (10, 2))
    crowd = draw.boxes_around(rng, centres, 0.1, 0.4)
    rows = [draw.objects(crowd, draw.random_labels(rng, 10, C)), _random_objects(rng, 1, C)]
    return draw.inputs(rng, priors, rows, 10, C), DEFAULT


def _verify_clamped(inputs, result, options):
    P = inputs["dbox_list"].shape[0]
    problems = []
    if not int(result.num_pos[0]) * options.neg_pos > P or int(result.num_neg[0]) != P:
        problems.append(f"image 0: neg_pos * num_pos = {int(result.num_pos[0]) * options.neg_pos} "
                        f"does not exceed P = {P}")
    if int(result.num_neg[1]) >= P - int(result.num_pos[1]):
        problems.append("image 1 is not an ordinary (unclamped) image")
    return problems


# -- m_padding ------------------------------------------------------------------------------------

def _build_padding(rng):
    C = 5
    priors = draw.random_priors(rng, 80)
    counts = rng.integers(1, 6, 4)
    rows = [_random_objects(rng, int(n), C) for n in counts]
    return draw.inputs(rng, priors, rows, 8, C), DEFAULT


def _verify_padding(inputs, result, options):
    M = inputs["targets"].shape[1]
    counts = inputs["num_objs"]
    problems = []
    if M <= int(counts.max()) or len(set(counts.tolist())) < 3:
        problems.append(f"num_objs {counts.tolist()} do not vary enough below M = {M}")
    return problems


CASES = [
    Case("ssd300_random_b2_c21", "SSD300 default boxes (8732), batch 2, 21 classes, 1-5 random "
         "objects per image, loc ~ N(0,1), logits ~ N(0,2^2)", 300, _build_preset("ssd300", 2, 21)),
    Case("ssd512_c81_b1", "SSD512 default boxes (24564), batch 1, 81 classes, 1-5 random objects",
         512, _build_preset("ssd512", 1, 81)),
    Case("crowded_shared_prior", "several truths share one best prior, so the last truth wins it; "
         "image 0 holds two identical truths with different labels (deliberate exact IoU ties: a "
         "threshold-positive prior takes the lowest truth index, the shared forced prior the "
         "highest), image 1 three near-identical truths with different labels",
         1000, _build_crowded, _verify_crowded, allow_exact_ties=True),
    Case("tiny_boxes_forced", "tiny truths (side 0.004-0.015) whose best IoU is below the "
         "threshold: positive only through forced matching", 2000, _build_tiny, _verify_tiny),
    Case("empty_image", "batch of 3 where image 1 has num_objs 0 and contributes nothing",
         3000, _build_empty, _verify_empty),
    Case("no_positives", "every image has num_objs 0: N = 0, losses and gradients 0",
         4000, _build_no_positives, _verify_no_positives),
    Case("large_logits", "logits ~ N(0, 3000^2) (magnitudes 1e3-1e4): log-sum-exp stability",
         5000, _build_large_logits, _verify_large_logits),
    Case("custom_options", "jaccard_thresh 0.35, neg_pos 5, variance 0.15,0.25",
         6000, _build_custom, _verify_custom),
    Case("negatives_clamped", "P = 24 and 10 crowded truths in image 0: neg_pos * num_pos > P, so "
         "num_neg is clamped to P and every box is selected; image 1 is unclamped",
         7000, _build_clamped, _verify_clamped),
    Case("m_padding", "batch 4, M = 8 with 1-5 real rows per image and zero padding rows",
         8000, _build_padding, _verify_padding),
]
