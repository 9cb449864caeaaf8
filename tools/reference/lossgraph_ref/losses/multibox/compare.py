"""Compare a fixture's expected values with a fresh evaluation of the reference."""

import numpy as np

# Agreement required between two float64 references (a fixture's stored values are float32 for the
# gradients and loc_t, so those carry float32 rounding).
LOSS_REL = 1e-9
GRAD_ABS = 1e-6
LOC_T_REL = 1e-6


def scalar(array):
    """A Python float from a [] or [1] array."""
    return float(np.asarray(array).reshape(-1)[0])


def differences(expected, result):
    """Dict of differences between a fixture's tensors and a `multibox.Result`."""
    label = result.conf_t_label.numpy()
    positive = expected["conf_t_label"] > 0
    loc_t_diff = np.abs(result.loc_t.numpy()[positive] - expected["loc_t"][positive].astype(np.float64))
    loc_t_scale = np.maximum(1.0, np.abs(expected["loc_t"][positive].astype(np.float64)))
    out = {}
    for name in ("loss_l", "loss_c"):
        want, got = scalar(expected[name]), getattr(result, name)
        out[name] = abs(got - want)
        out[name + "_rel"] = abs(got - want) / max(1.0, abs(want))
    out["grad_loc"] = float(np.abs(result.grad_loc.numpy() - expected["grad_loc"]).max(initial=0.0))
    out["grad_conf"] = float(np.abs(result.grad_conf.numpy() - expected["grad_conf"]).max(initial=0.0))
    out["conf_t_label"] = int(np.abs(label - expected["conf_t_label"]).max(initial=0))
    out["conf_t_label_mismatches"] = int((label != expected["conf_t_label"]).sum())
    out["num_pos"] = int(np.abs(result.num_pos.numpy() - expected["num_pos"]).max(initial=0))
    out["loc_t"] = float(loc_t_diff.max(initial=0.0))
    out["loc_t_rel"] = float((loc_t_diff / loc_t_scale).max(initial=0.0))
    return out


def failures(diff):
    """Names of the quantities whose difference exceeds the agreement thresholds."""
    bad = []
    for name in ("loss_l", "loss_c"):
        if not diff[name + "_rel"] <= LOSS_REL:
            bad.append(name)
    for name in ("grad_loc", "grad_conf"):
        if not diff[name] <= GRAD_ABS:
            bad.append(name)
    for name in ("conf_t_label", "num_pos"):
        if diff[name] != 0:
            bad.append(name)
    if not diff["loc_t_rel"] <= LOC_T_REL:
        bad.append("loc_t")
    return bad
