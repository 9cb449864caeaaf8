"""Multibox fixtures of the `torchvision` profile, whose expected values come from torchvision's own
SSD.compute_loss (torchvision_ref.py): build the tensors and metadata, and list the ways a draw is unsafe
for float32 backends (the checks of `checks.py`, adapted), so the generator can reject it.
"""

import numpy as np
import torch

from ... import checks, fixture
from . import seed_fixtures
from .reference import multibox_loss
from .torchvision_ref import ssd_loss


def build_ssd_torchvision(inputs, options, generator):
    """(tensors, metadata, (tv result, seed result)) of a multibox fixture with profile `torchvision`.

    loc_t comes from the seed reference (torchvision does not expose it; the matching is the same, which
    is checked here through conf_t_label and num_pos)."""
    tv = ssd_loss(inputs, options.jaccard_thresh, options.neg_pos, options.variances)
    seed = multibox_loss(inputs["loc_data"], inputs["conf_data"], inputs["dbox_list"], inputs["targets"],
                         inputs["num_objs"], options)
    if not np.array_equal(tv.conf_t_label, seed.conf_t_label.numpy()):
        raise AssertionError("torchvision's SSD matching differs from the seed's on these inputs")
    tensors = {name: inputs[name] for name in seed_fixtures.INPUTS}
    tensors.update({
        "loss_l": np.array(tv.loss_l, dtype=np.float64),
        "loss_c": np.array(tv.loss_c, dtype=np.float64),
        "grad_loc": tv.grad_loc.astype(np.float32),
        "grad_conf": tv.grad_conf.astype(np.float32),
        "conf_t_label": tv.conf_t_label.astype(np.int64),
        "loc_t": seed.loc_t.numpy().astype(np.float32),
        "num_pos": tv.num_pos.astype(np.int64),
    })
    metadata = seed_fixtures.options_metadata(options, inputs["conf_data"].shape[2], generator, profile="torchvision")
    fixture.validate(tensors, metadata, "<new fixture>")
    return tensors, metadata, (tv, seed)


def double_counted(num_pos, neg_pos, P):
    """How many of an image's positives torchvision's selection reaches (and counts twice): the ranks
    past the P - num_pos negatives that the selection ceil(neg_pos num_pos) still covers."""
    wanted = sum(1 for r in range(P) if r < neg_pos * num_pos)
    return min(max(wanted - (P - num_pos), 0), num_pos)


def run_out_problems(inputs, options, tv_result):
    """torchvision's sort is not stable: which tied (-inf) positives its selection reaches is unspecified
    unless it reaches all or none of them. Refuse draws where an image's selection stops inside them."""
    P = inputs["dbox_list"].shape[0]
    problems = []
    for b, n in enumerate(tv_result.num_pos.tolist()):
        d = double_counted(n, options.neg_pos, P)
        if 0 < d < n:
            problems.append(f"image {b}: the selection reaches {d} of its {n} positives (order unspecified)")
    return problems


def ssd_torchvision_problems(inputs, options, results, allow_exact_ties=False):
    tv, seed = results
    problems = checks.finite_problems({"grad_loc": tv.grad_loc, "grad_conf": tv.grad_conf})
    problems += checks.match_problems(seed, options.jaccard_thresh, allow_exact_ties)
    problems += checks.mining_problems(seed)
    problems += run_out_problems(inputs, options, tv)
    r32 = ssd_loss(inputs, options.jaccard_thresh, options.neg_pos, options.variances, dtype=torch.float32)
    if not np.array_equal(r32.conf_t_label, tv.conf_t_label):
        problems.append("float32 matching differs from float64")
    return problems
