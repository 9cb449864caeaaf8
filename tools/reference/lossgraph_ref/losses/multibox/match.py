"""Box utilities of the SSD MultiBoxLoss: point form, IoU, encoding and prior/truth matching.

Same operations, in the same order, as `point_form`, `intersect`, `jaccard`, `encode` and `match` of
ssd.pytorch's box_utils.py (copied into pytorch_advanced's utils/match.py), with one change: every
argmax is explicit about ties and picks the lowest index (docs/DESIGN.md), where the original relies on
`Tensor.max`, whose choice among equal values is not documented. Callers pass float64 tensors.
"""

from collections import namedtuple

import torch

MatchDetail = namedtuple("MatchDetail", [
    "overlaps",            # [T, P] IoU of each truth with each prior
    "best_prior_idx",      # [T] best prior of each truth (lowest prior index on ties)
    "best_prior_overlap",  # [T] its IoU
    "argmax_truth_idx",    # [P] best truth of each prior before forced matching (lowest truth index)
    "best_truth_idx",      # [P] matched truth after forced matching (last truth wins a shared prior)
    "best_truth_overlap",  # [P] overlap used for the threshold (2 at forced priors)
])


def point_form(boxes):
    """(cx, cy, w, h) -> (xmin, ymin, xmax, ymax)."""
    return torch.cat((boxes[:, :2] - boxes[:, 2:] / 2,
                      boxes[:, :2] + boxes[:, 2:] / 2), 1)


def intersect(box_a, box_b):
    """Intersection areas [A, B] of point-form boxes [A, 4] and [B, 4]; negative extents clamp to 0."""
    A = box_a.size(0)
    B = box_b.size(0)
    max_xy = torch.min(box_a[:, 2:].unsqueeze(1).expand(A, B, 2),
                       box_b[:, 2:].unsqueeze(0).expand(A, B, 2))
    min_xy = torch.max(box_a[:, :2].unsqueeze(1).expand(A, B, 2),
                       box_b[:, :2].unsqueeze(0).expand(A, B, 2))
    inter = torch.clamp(max_xy - min_xy, min=0)
    return inter[:, :, 0] * inter[:, :, 1]


def jaccard(box_a, box_b):
    """IoU [A, B] of point-form boxes: inter / (area_a + area_b - inter)."""
    inter = intersect(box_a, box_b)
    area_a = ((box_a[:, 2] - box_a[:, 0]) *
              (box_a[:, 3] - box_a[:, 1])).unsqueeze(1).expand_as(inter)
    area_b = ((box_b[:, 2] - box_b[:, 0]) *
              (box_b[:, 3] - box_b[:, 1])).unsqueeze(0).expand_as(inter)
    union = area_a + area_b - inter
    return inter / union


def encode(matched, priors, variances):
    """Offsets [P, 4] of point-form `matched` boxes relative to (cx, cy, w, h) `priors`."""
    g_cxcy = (matched[:, :2] + matched[:, 2:]) / 2 - priors[:, :2]
    g_cxcy = g_cxcy / (variances[0] * priors[:, 2:])
    g_wh = (matched[:, 2:] - matched[:, :2]) / priors[:, 2:]
    g_wh = torch.log(g_wh) / variances[1]
    return torch.cat([g_cxcy, g_wh], 1)


def argmax_lowest(x, dim):
    """(max, argmax) of `x` along `dim`; among equal maxima the lowest index wins."""
    best = x.amax(dim, keepdim=True)
    n = x.size(dim)
    shape = [1] * x.dim()
    shape[dim] = n
    index = torch.arange(n).view(shape).expand_as(x)
    candidates = torch.where(x == best, index, torch.full_like(index, n))
    return best.squeeze(dim), candidates.amin(dim)


def match_detail(threshold, truths, priors, variances, labels):
    """Match one image's truths [T, 4] (point form) to priors [P, 4] (cx, cy, w, h).

    Returns (loc [P, 4] encoded offsets, conf [P] int64 labels with 0 = background, MatchDetail).
    Requires T >= 1: the original cannot match an image without truths.
    """
    overlaps = jaccard(truths, point_form(priors))
    best_prior_overlap, best_prior_idx = argmax_lowest(overlaps, 1)
    best_truth_overlap, best_truth_idx = argmax_lowest(overlaps, 0)
    argmax_truth_idx = best_truth_idx.clone()
    best_truth_overlap.index_fill_(0, best_prior_idx, 2)
    for j in range(best_prior_idx.size(0)):
        best_truth_idx[best_prior_idx[j]] = j
    matches = truths[best_truth_idx]
    conf = labels[best_truth_idx].long() + 1
    conf[best_truth_overlap < threshold] = 0
    loc = encode(matches, priors, variances)
    detail = MatchDetail(overlaps, best_prior_idx, best_prior_overlap, argmax_truth_idx,
                         best_truth_idx, best_truth_overlap)
    return loc, conf, detail


def match(threshold, truths, priors, variances, labels):
    """(loc [P, 4], conf [P]) of `match_detail`, without the detail."""
    loc, conf, _ = match_detail(threshold, truths, priors, variances, labels)
    return loc, conf
