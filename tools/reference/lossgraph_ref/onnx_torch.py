"""Run an exported ONNX detector's graph in PyTorch (float64 by default), differentiably.

This is the independent half of the training-step check: it rebuilds the model from nothing but the
ONNX file (nodes and initializers), so a fixture's stored losses, gradients and parameters can be
recomputed without the PyTorch module that exported it. Only the operators that torch.onnx.export
(opset 17) emits for the small detectors of the training fixtures are known; any other fails loudly.

Initializers are classified as docs/FIXTURES.md "Training steps" says: `*.running_mean` / `*.running_var`
are BatchNorm state, anonymous `onnx::*` ones (folded constants, e.g. a FrozenBatchNorm's scale and
shift) are constants, and so are the buffers of a frozen BatchNorm exported without folding (a module whose
running stats feed no BatchNormalization node: its `weight`, `bias`, `running_mean`, `running_var`); every
other one is a trainable parameter. A BatchNormalization node's running-stat update uses PyTorch's momentum
1 - its `momentum` attribute.
"""

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F

STATE_SUFFIXES = (".running_mean", ".running_var")


def is_state(name):
    return name.endswith(STATE_SUFFIXES)


def is_constant(name):
    return name.startswith("onnx::")


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _ints(value):
    return [int(v) for v in value.tolist()] if isinstance(value, torch.Tensor) else [int(v) for v in value]


class OnnxModel:
    """An ONNX graph with trainable leaves `params`, BatchNorm `state` and constant initializers.

    `forward(images, training)` returns the graph outputs by name; in training mode BatchNorm uses batch
    statistics and updates `state` in place with PyTorch's rule (momentum `bn_momentum`)."""

    def __init__(self, model_bytes, dtype=torch.float64, bn_momentum=0.1):
        self.proto = onnx.load_from_string(bytes(model_bytes))
        self.dtype = dtype
        self.bn_momentum = bn_momentum
        self.params, self.state, self.constants = {}, {}, {}
        normalized = {name for node in self.proto.graph.node if node.op_type == "BatchNormalization"
                      for name in node.input[3:5]}
        frozen = {name.rsplit(".", 1)[0] for name in (i.name for i in self.proto.graph.initializer)
                  if is_state(name) and name not in normalized}
        for init in self.proto.graph.initializer:
            array = numpy_helper.to_array(init)
            tensor = torch.from_numpy(np.array(array))
            if tensor.is_floating_point():
                tensor = tensor.to(dtype)
            if init.name.rsplit(".", 1)[0] in frozen:
                self.constants[init.name] = tensor
            elif is_state(init.name):
                self.state[init.name] = tensor
            elif is_constant(init.name) or not tensor.is_floating_point():
                self.constants[init.name] = tensor
            else:
                self.params[init.name] = tensor.requires_grad_(True)
        self.inputs = [i.name for i in self.proto.graph.input if i.name not in self.params
                       and i.name not in self.state and i.name not in self.constants]
        self.outputs = [o.name for o in self.proto.graph.output]

    def uses(self):
        """name of each initializer -> number of node inputs that read it."""
        counts = {}
        for node in self.proto.graph.node:
            for name in node.input:
                counts[name] = counts.get(name, 0) + 1
        return counts

    def forward(self, images, training=True, observe=None):
        """Outputs by name; `observe(node, args, results)` is called after each node when given."""
        env = dict(self.constants)
        env.update(self.params)
        env.update(self.state)
        env[self.inputs[0]] = images
        for node in self.proto.graph.node:
            args = [env[name] if name else None for name in node.input]
            results = _run(node, args, _attrs(node), self, training)
            if observe is not None:
                observe(node, args, results)
            for name, value in zip(node.output, results):
                if name:
                    env[name] = value
        return {name: env[name] for name in self.outputs}


def _pool_pads(pads):
    top, left, bottom, right = pads
    if top != bottom or left != right:
        raise NotImplementedError(f"asymmetric pads {pads}")
    return (top, left)


def _batch_norm(model, args, attrs, training):
    x, weight, bias, mean, var = args
    if training:
        if int(attrs.get("training_mode", 0)) != 1:
            raise NotImplementedError("BatchNormalization without training_mode in a training graph")
        momentum = round(1.0 - float(attrs["momentum"]), 6) if "momentum" in attrs else model.bn_momentum
        y = F.batch_norm(x, mean, var, weight, bias, training=True, momentum=momentum,
                         eps=float(attrs["epsilon"]))
    else:
        y = F.batch_norm(x, mean, var, weight, bias, training=False, eps=float(attrs["epsilon"]))
    return [y, mean, var]


def _resize(x, roi, scales, sizes, attrs):
    if attrs.get("mode", b"nearest") != b"nearest" or attrs.get("nearest_mode", b"floor") != b"floor" \
            or attrs.get("coordinate_transformation_mode", b"half_pixel") != b"asymmetric":
        raise NotImplementedError(f"Resize {attrs}")
    if sizes is not None and sizes.numel():
        out = _ints(sizes)[2:]
    else:
        factors = [float(s) for s in scales.tolist()]
        out = [int(np.floor(d * f)) for d, f in zip(x.shape[2:], factors[2:])]
    # nearest, asymmetric, floor: source index floor(i * in / out), which F.interpolate's 'nearest' computes
    return F.interpolate(x, size=out, mode="nearest")


def _slice(data, starts, ends, axes=None, steps=None):
    starts, ends = _ints(starts), _ints(ends)
    axes = _ints(axes) if axes is not None else list(range(len(starts)))
    steps = _ints(steps) if steps is not None else [1] * len(starts)
    index = [slice(None)] * data.dim()
    for s, e, a, st in zip(starts, ends, axes, steps):
        if st != 1:
            raise NotImplementedError("Slice with step != 1")
        n = data.shape[a]
        s = max(0, min(n, s + n if s < 0 else s))
        e = max(0, min(n, e + n if e < 0 else e))
        index[a] = slice(s, e)
    return data[tuple(index)]


def _reshape(x, shape):
    dims = _ints(shape)
    dims = [x.shape[i] if d == 0 else d for i, d in enumerate(dims)]
    return x.reshape(dims)


_CAST = {1: None, 6: torch.int32, 7: torch.int64, 11: torch.float64}


def _run(node, args, attrs, model, training):
    op = node.op_type
    if op == "Conv":
        x, w, b = (args + [None])[:3]
        if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            raise NotImplementedError("Conv auto_pad")
        return [F.conv2d(x, w, b, stride=attrs.get("strides", [1, 1]), padding=_pool_pads(attrs.get("pads", [0] * 4)),
                         dilation=attrs.get("dilations", [1, 1]), groups=int(attrs.get("group", 1)))]
    if op == "BatchNormalization":
        return _batch_norm(model, args, attrs, training)
    if op == "Relu":
        return [F.relu(args[0])]
    if op == "Clip":
        x, low, high = (args + [None, None])[:3]
        return [torch.clamp(x, min=None if low is None else float(low), max=None if high is None else float(high))]
    if op == "HardSwish":
        return [F.hardswish(args[0])]
    if op == "HardSigmoid":
        alpha, beta = float(attrs.get("alpha", 0.2)), float(attrs.get("beta", 0.5))
        return [torch.clamp(alpha * args[0] + beta, 0.0, 1.0)]
    if op == "Sigmoid":
        return [torch.sigmoid(args[0])]
    if op == "MaxPool":
        if len(node.output) > 1 and node.output[1]:
            raise NotImplementedError("MaxPool Indices output")
        return [F.max_pool2d(args[0], attrs["kernel_shape"], stride=attrs.get("strides", attrs["kernel_shape"]),
                             padding=_pool_pads(attrs.get("pads", [0] * 4)), dilation=attrs.get("dilations", [1, 1]),
                             ceil_mode=bool(attrs.get("ceil_mode", 0)))]
    if op == "GlobalAveragePool":
        return [args[0].mean(dim=(2, 3), keepdim=True)]
    if op == "Constant":
        value = torch.from_numpy(np.array(numpy_helper.to_array(attrs["value"])))
        return [value.to(model.dtype) if value.is_floating_point() else value]
    if op == "Identity":
        return [args[0]]
    if op == "Transpose":
        return [args[0].permute(*attrs["perm"])]
    if op == "Reshape":
        return [_reshape(args[0], args[1])]
    if op == "Flatten":
        axis = int(attrs.get("axis", 1))
        return [args[0].reshape(int(np.prod(args[0].shape[:axis])), -1)]
    if op == "Unsqueeze":
        out = args[0]
        for a in sorted(_ints(args[1])):
            out = out.unsqueeze(a)
        return [out]
    if op == "Concat":
        return [torch.cat(args, dim=int(attrs["axis"]))]
    if op == "Shape":
        return [torch.tensor(list(args[0].shape), dtype=torch.int64)]
    if op == "Gather":
        return [torch.index_select(args[0], int(attrs.get("axis", 0)), args[1].reshape(-1)).reshape(
            args[0].shape[:int(attrs.get("axis", 0))] + args[1].shape + args[0].shape[int(attrs.get("axis", 0)) + 1:])]
    if op == "Slice":
        return [_slice(*args)]
    if op == "Cast":
        to = int(attrs["to"])
        dtype = model.dtype if to == 1 else _CAST[to]
        return [args[0].to(dtype)]
    if op == "Resize":
        return [_resize(*(args + [None] * (4 - len(args))), attrs)]
    if op in ("Add", "Sub", "Mul", "Div"):
        a, b = args
        return [{"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div}[op](a, b)]
    if op == "Sqrt":
        return [torch.sqrt(args[0])]
    if op == "Gemm":
        a, b, c = (args + [None])[:3]
        a = a.t() if attrs.get("transA", 0) else a
        b = b.t() if attrs.get("transB", 0) else b
        out = float(attrs.get("alpha", 1.0)) * (a @ b)
        return [out if c is None else out + float(attrs.get("beta", 1.0)) * c]
    raise NotImplementedError(f"ONNX op {op} (node {node.name})")
