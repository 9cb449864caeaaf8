#!/usr/bin/python3
"""Write PyTorch's values for the 2-D network ops (convolutions, pools, nearest resize) and their gradients.

Usage: /usr/bin/python3 tools/reference/make_network_ops.py [--out packages/core/test/data/network_ops_torch.safetensors]

Each case runs one torch.nn.functional op in float64 on seeded random inputs, then autograd with a random
upstream gradient `gy`. The file holds, per case NAME, the tensors `NAME/x` (and `NAME/w`), `NAME/gy`,
`NAME/y`, `NAME/dx` (and `NAME/dw`), all F64; `__metadata__["cases"]` is a JSON list of
{"name", "op", "attrs"} with the attributes in lossgraph's IR form (packages/core/src/ir/ops.ts:
pads [top, left, bottom, right]). packages/core/test/network-ops-torch.test.ts replays them on the reference
interpreter.

Where torch has no asymmetric padding, the case pads explicitly first (zeros for conv, -inf for max
pooling) or crops the full transposed convolution, which is the same op.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from lossgraph_ref import safetensors_io  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "packages", "core", "test", "data", "network_ops_torch.safetensors")


def conv_attrs(strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), group=1):
    return {"strides": list(strides), "pads": list(pads), "dilations": list(dilations), "group": group}


def pool_attrs(kernel, strides=None, pads=(0, 0, 0, 0), dilations=(1, 1), ceil=False):
    return {
        "kernelSize": list(kernel),
        "strides": list(strides or kernel),
        "pads": list(pads),
        "dilations": list(dilations),
        "ceilMode": ceil,
    }


def conv2d(x, w, a):
    t, l, b, r = a["pads"]
    xp = F.pad(x, (l, r, t, b))
    return F.conv2d(xp, w, stride=a["strides"], dilation=a["dilations"], groups=a["group"])


def conv_transpose2d(x, w, a):
    t, l, b, r = a["pads"]
    full = F.conv_transpose2d(
        x, w, stride=a["strides"], dilation=a["dilations"], groups=a["group"], output_padding=a["outputPadding"]
    )
    return full[:, :, t : full.shape[2] - b, l : full.shape[3] - r]


def symmetric_pads(a):
    t, l, b, r = a["pads"]
    assert t == b and l == r, "torch pools pad symmetrically"
    return (t, l)


def max_pool2d(x, a):
    t, l, b, r = a["pads"]
    if a["ceilMode"]:
        return F.max_pool2d(x, a["kernelSize"], a["strides"], symmetric_pads(a), a["dilations"], ceil_mode=True)
    xp = F.pad(x, (l, r, t, b), value=float("-inf"))
    return F.max_pool2d(xp, a["kernelSize"], a["strides"], 0, a["dilations"])


def avg_pool2d(x, a):
    assert a["dilations"] == [1, 1]
    return F.avg_pool2d(
        x,
        a["kernelSize"],
        a["strides"],
        symmetric_pads(a),
        ceil_mode=a["ceilMode"],
        count_include_pad=a["countIncludePad"],
    )


def resize_nearest(x, a):
    return F.interpolate(x, scale_factor=tuple(float(s) for s in a["scales"]), mode="nearest")


def ties(gen, shape):
    """Small integers, a third of them 0 after a ReLU: windows full of equal maxima."""
    return torch.relu(torch.randint(-2, 3, shape, generator=gen).double())


# name, op, input shapes (x[, w]), attrs, how x is drawn
CASES = [
    ("conv_pads", "conv2d", [(2, 3, 6, 5), (4, 3, 3, 3)], conv_attrs(pads=(1, 1, 1, 1))),
    (
        "conv_grouped_stride_asym",
        "conv2d",
        [(2, 4, 7, 6), (6, 2, 3, 2)],
        conv_attrs(strides=(2, 1), pads=(1, 0, 2, 1), group=2),
    ),
    (
        "conv_depthwise_dilated",
        "conv2d",
        [(2, 3, 7, 7), (6, 1, 3, 3)],
        conv_attrs(strides=(1, 2), pads=(2, 2, 2, 1), dilations=(2, 2), group=3),
    ),
    ("conv_stride_over_kernel", "conv2d", [(2, 2, 7, 7), (3, 2, 2, 2)], conv_attrs(strides=(3, 3))),
    ("conv_7x7_s2_p3", "conv2d", [(1, 3, 11, 9), (4, 3, 7, 7)], conv_attrs(strides=(2, 2), pads=(3, 3, 3, 3))),
    (
        "convt_stride2_outpad",
        "convTranspose2d",
        [(2, 3, 3, 4), (3, 2, 3, 3)],
        {**conv_attrs(strides=(2, 2), pads=(1, 1, 1, 1)), "outputPadding": [1, 0]},
    ),
    (
        "convt_grouped_dilated_asym",
        "convTranspose2d",
        [(2, 4, 3, 3), (4, 2, 4, 4)],
        {**conv_attrs(strides=(2, 1), pads=(1, 2, 0, 1), dilations=(1, 2), group=2), "outputPadding": [1, 0]},
    ),
    ("maxpool_3x3_s2_p1", "maxPool2d", [(2, 2, 7, 6)], pool_attrs((3, 3), (2, 2), (1, 1, 1, 1))),
    ("maxpool_ties_overlap", "maxPool2d", [(2, 2, 7, 5)], pool_attrs((3, 3), (1, 1), (1, 1, 1, 1)), "ties"),
    ("maxpool_ties_ceil", "maxPool2d", [(2, 2, 7, 5)], pool_attrs((2, 2), ceil=True), "ties"),
    ("maxpool_ties_ceil_pad", "maxPool2d", [(1, 2, 8, 6)], pool_attrs((3, 3), (2, 2), (1, 1, 1, 1), ceil=True), "ties"),
    (
        "maxpool_dilated_asym",
        "maxPool2d",
        [(2, 2, 7, 5)],
        pool_attrs((3, 2), (2, 2), (1, 0, 1, 1), dilations=(2, 1)),
    ),
    ("maxpool_zeros", "maxPool2d", [(1, 1, 5, 5)], pool_attrs((3, 3), (2, 2), (1, 1, 1, 1)), "zeros"),
    (
        "avgpool_include_pad",
        "avgPool2d",
        [(2, 2, 7, 6)],
        {**pool_attrs((3, 3), (2, 2), (1, 1, 1, 1)), "countIncludePad": True},
    ),
    (
        "avgpool_exclude_pad_ceil",
        "avgPool2d",
        [(2, 2, 7, 6)],
        {**pool_attrs((3, 3), (2, 2), (1, 1, 1, 1), ceil=True), "countIncludePad": False},
    ),
    (
        "avgpool_include_pad_ceil_overhang",
        "avgPool2d",
        [(2, 2, 8, 6)],
        {**pool_attrs((3, 3), (2, 2), (1, 1, 1, 1), ceil=True), "countIncludePad": True},
    ),
    (
        "avgpool_exclude_pad_ceil_overhang",
        "avgPool2d",
        [(2, 2, 8, 6)],
        {**pool_attrs((3, 3), (2, 2), (1, 1, 1, 1), ceil=True), "countIncludePad": False},
    ),
    ("resize_2x", "resizeNearest", [(2, 3, 3, 4)], {"scales": [2, 2]}),
    ("resize_2x3", "resizeNearest", [(2, 2, 3, 4)], {"scales": [2, 3]}),
]

FORWARD = {
    "conv2d": conv2d,
    "convTranspose2d": conv_transpose2d,
    "maxPool2d": max_pool2d,
    "avgPool2d": avg_pool2d,
    "resizeNearest": resize_nearest,
}


def run_case(index, name, op, shapes, attrs, draw="normal"):
    gen = torch.Generator().manual_seed(1000 + index)
    xshape = shapes[0]
    if draw == "ties":
        x = ties(gen, xshape)
    elif draw == "zeros":
        x = torch.zeros(xshape, dtype=torch.float64)
    else:
        x = torch.randn(xshape, generator=gen, dtype=torch.float64)
    x.requires_grad_(True)
    inputs = [x]
    if len(shapes) > 1:
        inputs.append(torch.randn(shapes[1], generator=gen, dtype=torch.float64).requires_grad_(True))
    y = FORWARD[op](*inputs, attrs)
    gy = torch.randn(y.shape, generator=gen, dtype=torch.float64)
    grads = torch.autograd.grad(y, inputs, gy)
    out = {f"{name}/x": x, f"{name}/gy": gy, f"{name}/y": y, f"{name}/dx": grads[0]}
    if len(inputs) > 1:
        out[f"{name}/w"] = inputs[1]
        out[f"{name}/dw"] = grads[1]
    return {k: v.detach().numpy().astype(np.float64) for k, v in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    torch.set_num_threads(1)
    tensors = {}
    meta = []
    for index, (name, op, shapes, attrs, *draw) in enumerate(CASES):
        tensors.update(run_case(index, name, op, shapes, attrs, *draw))
        meta.append({"name": name, "op": op, "attrs": attrs})
    metadata = {"cases": json.dumps(meta), "generator": f"tools/reference/make_network_ops.py, torch {torch.__version__}"}
    size = safetensors_io.write(args.out, tensors, metadata)
    print(f"wrote {args.out}: {len(meta)} cases, {size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
