"""Recompute a yolov8 fixture with the float64 reference (reference.py) and print the differences
(check_sample.py; /work/shared/fixtures/yolov8_sample.safetensors was written by Ultralytics' own loss functions).
Agreement required (two float64 references; stored gradients are float32): losses within 1e-9 relative,
gradients within 1e-6 · max(1e-3, max |want|) per tensor (float32 rounding of the stored values), fg_mask and
target_gt_idx exact, under each of the three top-k tie rules.
"""

import numpy as np

from ... import safetensors_io
from .reference import options_from_metadata, yolov8_loss

LOSS_REL = 1e-9
GRAD_REL = 1e-6
LOSSES = ("loss_box", "loss_cls", "loss_dfl")
GRADS = ("grad_pred_distri", "grad_pred_scores")
LABELS = ("fg_mask", "target_gt_idx")


def differences(tensors, result):
    """Name -> (difference, allowed) for every checked quantity."""
    out = {}
    for name in LOSSES:
        want = float(np.asarray(tensors[name]).reshape(-1)[0])
        out[name] = (abs(getattr(result, name) - want) / max(1.0, abs(want)), LOSS_REL)
    for name in GRADS:
        want = tensors[name].astype(np.float64)
        scale = max(1e-3, float(np.abs(want).max(initial=0.0)))
        out[name] = (float(np.abs(getattr(result, name).numpy() - want).max(initial=0.0)), GRAD_REL * scale)
    for name in LABELS:
        out[name] = (int((getattr(result, name).numpy() != tensors[name]).sum()), 0)
    return out


def check(path):
    """Print the differences for one file under each tie rule; True when all agree."""
    tensors, metadata = safetensors_io.read(path)
    if metadata.get("loss") != "yolov8":
        print(f"{path}: skipped (loss {metadata.get('loss')})")
        return True
    opts = options_from_metadata(metadata)
    print(f"{path}\n  generator: {metadata.get('generator')}\n  options: {opts}")
    ok = True
    for tie in ("low", "high", "torch"):
        result = yolov8_loss(tensors["pred_distri"], tensors["pred_scores"], tensors["anchor_points"],
                             tensors["stride_tensor"], tensors["targets"], tensors["num_objs"], opts, tie)
        diff = differences(tensors, result)
        bad = [name for name, (d, allowed) in diff.items() if not d <= allowed]
        ok = ok and not bad
        parts = ", ".join(f"{name} {d:.3g}" for name, (d, _) in diff.items())
        print(f"  tie {tie}: {parts}; positives {int(result.fg_mask.sum())} -> {'ok' if not bad else 'FAIL ' + str(bad)}")
    return ok
