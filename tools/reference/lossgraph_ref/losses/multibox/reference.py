"""The SSD MultiBoxLoss of the seed (pytorch_advanced 2.6), in float64, with gradients.

The logic follows the seed's `MultiBoxLoss.forward` step by step: per-image `match`, SmoothL1 summed
over positives, per-box cross entropy, hard negative mining with the two sorts (positives' mining loss
set to 0, num_neg = min(neg_pos * num_pos, P)), cross entropy summed over positives and hard negatives,
both divided by N = total positives. Differences, all stated in docs/DESIGN.md / docs/FIXTURES.md:

- everything is computed in float64 from the (float32) inputs;
- `targets` is one padded tensor [B, M, 5] plus `num_objs` [B]; image b uses rows `targets[b, :num_objs[b]]`;
- an image with num_objs 0 has no positives, hence no mined negatives, and contributes nothing;
- N = 0 gives loss_l = loss_c = 0 and zero gradients (the seed returns NaN);
- ties are resolved explicitly: argmax picks the lowest index (match.py), and the mining sort is stable
  (among equal mining losses the lower box index ranks first). Ties at the mining boundary do not change
  the losses, only possibly which zero-loss box is "selected".
"""

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from .match import MatchDetail, match_detail


@dataclass(frozen=True)
class Options:
    """Loss options, defaults as in the seed."""
    jaccard_thresh: float = 0.5
    neg_pos: int = 3
    variances: Tuple[float, float] = (0.1, 0.2)


@dataclass
class Result:
    """Outputs of one evaluation; tensors are float64 / int64 torch tensors."""
    loss_l: float
    loss_c: float
    grad_loc: torch.Tensor       # [B, P, 4]
    grad_conf: torch.Tensor      # [B, P, C]
    conf_t_label: torch.Tensor   # [B, P] int64, 0 = background
    loc_t: torch.Tensor          # [B, P, 4] encoded matched truth (0 for images without truths)
    num_pos: torch.Tensor        # [B] int64
    num_neg: torch.Tensor        # [B] int64, after the clamp to P
    mining_ce: torch.Tensor      # [B, P] cross entropy with positives set to 0 (mining key)
    neg_mask: torch.Tensor       # [B, P] bool, hard negatives as selected by the rank
    details: List[Optional[MatchDetail]] = field(default_factory=list)  # per image, None if no truths


def as_tensor(x):
    """A torch tensor view of a numpy array or tensor."""
    return x if isinstance(x, torch.Tensor) else torch.from_numpy(np.asarray(x))


def match_batch(dbox_list, targets, num_objs, options):
    """Per-image matching: (conf_t_label [B, P] int64, loc_t [B, P, 4] float64, details)."""
    priors = as_tensor(dbox_list).double()
    targets = as_tensor(targets).double()
    num_objs = as_tensor(num_objs)
    B, P = targets.size(0), priors.size(0)
    conf_t = torch.zeros(B, P, dtype=torch.long)
    loc_t = torch.zeros(B, P, 4, dtype=torch.float64)
    details = []
    for b in range(B):
        n = int(num_objs[b])
        if n == 0:
            details.append(None)
            continue
        rows = targets[b, :n]
        loc, conf, detail = match_detail(options.jaccard_thresh, rows[:, :4], priors,
                                         options.variances, rows[:, 4])
        loc_t[b] = loc
        conf_t[b] = conf
        details.append(detail)
    return conf_t, loc_t, details


def mining_rank(mining_ce):
    """Rank [B, P] of each box in descending mining loss; equal losses rank by box index.

    The seed's two sorts: the first (here stable) orders boxes by loss, the second inverts that
    permutation.
    """
    _, loss_idx = torch.sort(mining_ce, dim=1, descending=True, stable=True)
    _, idx_rank = loss_idx.sort(1)
    return idx_rank


def multibox_loss(loc_data, conf_data, dbox_list, targets, num_objs, options=Options()):
    """Evaluate the loss and d(loss_l + loss_c)/d(loc_data, conf_data). Returns a `Result`."""
    loc_in = as_tensor(loc_data).double().detach().clone().requires_grad_(True)
    conf_in = as_tensor(conf_data).double().detach().clone().requires_grad_(True)
    B, P, C = conf_in.shape
    conf_t, loc_t, details = match_batch(dbox_list, targets, num_objs, options)

    pos_mask = conf_t > 0
    loss_l = F.smooth_l1_loss(loc_in[pos_mask], loc_t[pos_mask], reduction="sum", beta=1.0)

    with torch.no_grad():
        ce = F.cross_entropy(conf_in.view(-1, C), conf_t.view(-1), reduction="none").view(B, P)
        mining_ce = ce.clone()
        mining_ce[pos_mask] = 0
        num_pos = pos_mask.long().sum(1)
        num_neg = torch.clamp(num_pos * options.neg_pos, max=P)
        neg_mask = mining_rank(mining_ce) < num_neg.unsqueeze(1)

    selected = pos_mask | neg_mask
    loss_c = F.cross_entropy(conf_in[selected], conf_t[selected], reduction="sum")

    N = int(num_pos.sum())
    if N == 0:
        zero = 0.0
        grad_loc = torch.zeros_like(loc_in, requires_grad=False)
        grad_conf = torch.zeros_like(conf_in, requires_grad=False)
        loss_l_value = loss_c_value = zero
    else:
        loss_l = loss_l / N
        loss_c = loss_c / N
        grad_loc, grad_conf = torch.autograd.grad(loss_l + loss_c, [loc_in, conf_in])
        loss_l_value, loss_c_value = float(loss_l), float(loss_c)

    return Result(loss_l_value, loss_c_value, grad_loc.detach(), grad_conf.detach(), conf_t,
                  loc_t, num_pos, num_neg, mining_ce, neg_mask, details)
