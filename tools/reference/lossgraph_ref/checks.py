"""Robustness checks on a fixture's expected values.

A float32 backend must reproduce every discrete decision of the float64 reference: which truth each
prior matches, which priors pass the IoU threshold, and which negatives are mined. Those decisions are
stable when every comparison behind them has a margin well above float32 rounding; these functions
measure the margins so that the fixture generator can reject a random draw that sits on an edge.
"""

import math

import numpy as np
import torch

TOL = 1e-5  # smallest accepted margin (relative to max(1, |value|) for the mining loss)


def _gap(values):
    """Difference between the largest and second-largest entry of a 1-D tensor (inf if < 2 entries)."""
    if values.numel() < 2:
        return math.inf
    top = torch.topk(values, 2).values
    return float(top[0] - top[1])


def _accept(gap, allow_exact_ties):
    """A gap is safe when it is at least TOL, or exactly 0 where exact ties are deliberate."""
    return gap >= TOL or (allow_exact_ties and gap == 0)


def match_problems(result, threshold, allow_exact_ties=False):
    """Matching decisions closer than TOL to flipping, as a list of readable strings."""
    problems = []
    for b, detail in enumerate(result.details):
        if detail is None:
            continue
        forced = torch.zeros_like(detail.best_truth_overlap, dtype=torch.bool)
        forced[detail.best_prior_idx] = True
        free = ~forced
        near = (detail.best_truth_overlap[free] - threshold).abs()
        if near.numel() and float(near.min()) < TOL:
            problems.append(f"image {b}: an overlap is within {float(near.min()):.2e} of the threshold")
        for t in range(detail.overlaps.size(0)):
            gap = _gap(detail.overlaps[t])
            if not _accept(gap, allow_exact_ties):
                problems.append(f"image {b}: truth {t} best-prior gap {gap:.2e}")
        positive_free = free & (result.conf_t_label[b] > 0)
        for p in torch.nonzero(positive_free).flatten().tolist():
            gap = _gap(detail.overlaps[:, p])
            if not _accept(gap, allow_exact_ties):
                problems.append(f"image {b}: prior {p} best-truth gap {gap:.2e}")
    return problems


def mining_margin(result, b):
    """Relative margin between image b's weakest selected negative and strongest unselected box."""
    values = result.mining_ce[b]
    negative = result.conf_t_label[b] == 0
    selected = result.neg_mask[b] & negative
    unselected = ~result.neg_mask[b]
    if not bool(selected.any()) or not bool(unselected.any()):
        return math.inf
    low = float(values[selected].min())
    high = float(values[unselected].max())
    return (low - high) / max(1.0, abs(low))


def mining_problems(result):
    """Images whose hard-negative selection is within TOL of changing."""
    problems = []
    for b in range(result.mining_ce.size(0)):
        margin = mining_margin(result, b)
        if margin < TOL:
            problems.append(f"image {b}: mining boundary margin {margin:.2e}")
    return problems


def finite_problems(tensors):
    """Expected-value tensors that hold NaN or infinity."""
    return [f"{name} is not finite" for name, array in tensors.items()
            if array.dtype.kind == "f" and not np.isfinite(array).all()]
