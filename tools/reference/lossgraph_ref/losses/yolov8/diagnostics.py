"""The expected diagnostics of a yolov8 fixture (docs/FIXTURES.md, "Diagnostics"), in float64 from its inputs:
the assignment of reference.py (lowest-index top-k), identical under the other two tie orders. `compute`
returns (diagnostics, checks) as lossgraph_ref/diagnostics.py describes.
"""

from ...diagnostics import LOSS_REL, mismatches, rel
from . import reference


def compute(tensors, metadata):
    opts = reference.options_from_metadata(metadata)
    runs = {tie: reference.yolov8_loss(tensors["pred_distri"], tensors["pred_scores"], tensors["anchor_points"],
                                       tensors["stride_tensor"], tensors["targets"], tensors["num_objs"], opts, tie)
            for tie in ("low", "high", "torch")}
    low = runs["low"]
    a = low.assignment
    checks = {
        f"candidates under tie {tie}": (mismatches(r.assignment.candidates.numpy(), a.candidates.numpy()), 0)
        for tie, r in runs.items()
    }
    for name in ("loss_box", "loss_cls", "loss_dfl"):
        checks[name] = (rel(getattr(low, name), tensors[name].reshape(-1)[0]), LOSS_REL)
    checks["fg_mask vs fixture"] = (mismatches(low.fg_mask.numpy(), tensors["fg_mask"]), 0)
    checks["target_gt_idx vs fixture"] = (mismatches(low.target_gt_idx.numpy(), tensors["target_gt_idx"]), 0)
    diagnostics = {
        "candidates": a.candidates.long().numpy(),
        "align_metric": a.align.numpy(),
        "fg_mask": low.fg_mask.numpy(),
        "target_gt_idx": low.target_gt_idx.numpy(),
        "target_scores": a.target_scores.numpy(),
    }
    return diagnostics, checks
