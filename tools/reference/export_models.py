"""Export small PyTorch models to ONNX the way users must for training, with PyTorch's answers.

Usage: /usr/bin/python3 tools/reference/export_models.py [--out packages/onnx/test/data] [--only NAME...]

Each model is exported with `torch.onnx.export(opset_version=17, training=TrainingMode.TRAINING,
do_constant_folding=False)` and written to `import_<name>.safetensors` with:

- `model_onnx` U8 [nbytes]: the ModelProto (static shapes); `model_onnx_dynamic` where the case also
  exports a symbolic batch (`dynamic_axes`); `model_onnx_folded` where it is also exported with
  `do_constant_folding=True`;
- `images` F32: the input;
- `weight_<out>` F32: fixed random weights; the differentiated scalar is sum over outputs of
  sum(weight_<out> * <out>);
- `train_<out>` F64: the forward in train mode (BatchNorm on batch statistics);
- `eval_<out>` F64: the forward in eval mode (BatchNorm on the running stats of the ONNX file);
- `state/<s>` F64: each BatchNorm running stat after the train-mode forward;
- `grad/<p>` F64: d(scalar)/d<p> in train mode, for every trainable parameter.

The reference is the PyTorch module converted with `.double()`, started from the ONNX initializers (the
TRAINING export runs one train-mode forward, so the exported running stats already hold one update).
Metadata: `outputs`, `parameters`, `state` (comma-separated names, in PyTorch's order), `generator`.
Cases without a reference (`fused_eval`, `lstm`) hold only `model_onnx` and `images`.
"""

import argparse
import copy
import io
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from onnx import numpy_helper
from torchvision.ops.misc import FrozenBatchNorm2d

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lossgraph_ref import safetensors_io  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 20261206


class ConvBn(nn.Module):
    """conv-BN-ReLU, MaxPool with ceil_mode, a strided conv with bias, BN (m 0.03, eps 1e-3), LeakyReLU."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(6)
        self.pool = nn.MaxPool2d(2, ceil_mode=True)
        self.conv2 = nn.Conv2d(6, 4, 3, stride=2, padding=1)
        self.bn2 = nn.BatchNorm2d(4, eps=1e-3, momentum=0.03)

    def forward(self, images):
        x = self.pool(F.relu(self.bn1(self.conv1(images))))
        return F.leaky_relu(self.bn2(self.conv2(x)), 0.1)


class Mobile(nn.Module):
    """depthwise conv + BN + Hardswish, ReLU6, dilated conv, squeeze-excite (GlobalAveragePool, Hardsigmoid,
    Sigmoid, Mul), Tanh, AvgPool."""

    def __init__(self):
        super().__init__()
        self.expand = nn.Conv2d(3, 8, 1, bias=False)
        self.bn0 = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.se_reduce = nn.Conv2d(8, 4, 1)
        self.se_expand = nn.Conv2d(4, 8, 1)
        self.gate = nn.Conv2d(8, 8, 1)
        self.dil = nn.Conv2d(8, 4, 3, padding=2, dilation=2, groups=2)
        self.pool = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, images):
        x = F.relu6(self.bn0(self.expand(images)))
        x = F.hardswish(self.bn1(self.dw(x)))
        s = F.adaptive_avg_pool2d(x, 1)
        s = F.hardsigmoid(self.se_expand(F.relu(self.se_reduce(s))))
        x = x * s * torch.sigmoid(self.gate(x))
        return self.pool(torch.tanh(self.dil(x)))


class Fpn(nn.Module):
    """Two levels, nearest upsampling by scale_factor and by size= (Shape chains), a lateral sum, concat."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 4, 3, padding=1)
        self.c2 = nn.Conv2d(4, 6, 3, stride=2, padding=1)
        self.lat1 = nn.Conv2d(4, 5, 1)
        self.lat2 = nn.Conv2d(6, 5, 1)
        self.up = nn.ConvTranspose2d(6, 3, 2, stride=2)

    def forward(self, images):
        c1 = F.relu(self.c1(images))
        c2 = F.relu(self.c2(c1))
        p2 = self.lat2(c2)
        p1 = self.lat1(c1) + F.interpolate(p2, size=c1.shape[-2:], mode="nearest")
        p2_up = F.interpolate(p2, scale_factor=2.0, mode="nearest")
        return torch.cat([p1, p2_up, self.up(c2)], dim=1), p2


class SharedHead(nn.Module):
    """One head conv used at two levels, with torchvision's view/permute/reshape flattening and a concat."""

    def __init__(self, k=3, a=2):
        super().__init__()
        self.k = k
        self.stem = nn.Conv2d(3, 4, 3, padding=1)
        self.down = nn.Conv2d(4, 4, 3, stride=2, padding=1)
        self.head = nn.Conv2d(4, a * k, 3, padding=1)

    def flatten(self, y):
        n, _, h, w = y.shape
        y = y.view(n, -1, self.k, h, w).permute(0, 3, 4, 1, 2)
        return y.reshape(n, -1, self.k)

    def forward(self, images):
        f1 = F.relu(self.stem(images))
        f2 = F.relu(self.down(f1))
        return torch.cat([self.flatten(self.head(f1)), self.flatten(self.head(f2))], dim=1)


class Frozen(nn.Module):
    """A torchvision FrozenBatchNorm2d backbone (its buffers are constants), then a trainable BN conv."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn1 = FrozenBatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4)
        with torch.no_grad():
            self.bn1.weight.uniform_(0.5, 1.5)
            self.bn1.bias.normal_()
            self.bn1.running_mean.normal_()
            self.bn1.running_var.uniform_(0.5, 2.0)

    def forward(self, images):
        x = F.relu(self.bn1(self.conv1(images)))
        return F.relu(self.bn2(self.conv2(x)))


class Classifier(nn.Module):
    """Flatten + Linear (Gemm), mean, slicing, split, squeeze/unsqueeze, transpose, softmax, matmul, clamp."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2)
        self.bn = nn.BatchNorm1d(10)
        self.fc1 = nn.Linear(4 * 3 * 3, 10)
        self.fc2 = nn.Linear(10, 6)
        self.proj = nn.Parameter(torch.randn(3, 5))

    def forward(self, images):
        x = F.relu(self.conv(images))
        m = x.mean(dim=[2, 3], keepdim=True).squeeze(3).squeeze(2).unsqueeze(1)  # [N, 1, 4]
        x = torch.flatten(x, 1)
        h = torch.clamp(self.bn(self.fc1(x)), min=-0.5)
        logits = self.fc2(h)
        a, b = torch.split(logits, [2, 4], dim=1)
        probs = torch.softmax(b[:, 1:], dim=-1)  # [N, 3]
        mixed = torch.matmul(probs, self.proj).transpose(0, 1)  # [5, N]
        return a, mixed, m


class Elementwise(nn.Module):
    """Only ops the reference interpreter already runs: BatchNorm1d, a parameter behind a Reshape, softmax,
    strided slicing, split/concat, transpose, ReduceMean/ReduceMax, exp/log/sqrt/abs, a view from x.shape."""

    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(3, momentum=0.2)
        self.scale = nn.Parameter(torch.rand(3) + 0.5)
        self.shift = nn.Parameter(torch.randn(6))

    def forward(self, images):
        n, c, length = images.shape
        x = self.bn(images) * self.scale.view(1, -1, 1) + self.shift
        y = torch.softmax(x, dim=1) + torch.sqrt(x.abs() + 1.0) - torch.exp(-x.abs())
        a, b = torch.split(y, [2, 4], dim=2)
        z = torch.cat([b[:, :, ::2], a.flip(2) if False else a], dim=2).transpose(1, 2)
        pooled = z.mean(dim=1, keepdim=True) + z.amax(dim=1, keepdim=True) / 4
        return z.reshape(n, -1), (pooled * torch.log(y[:, :, 1:].abs() + 2).sum()).view(n, c)


class Tiny(nn.Module):
    """An LSTM: an op the importer does not support."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 3, batch_first=True)

    def forward(self, images):
        return self.lstm(images)[0]


CASES = {
    # name: (constructor, input shape, output names, also export with a symbolic batch)
    "elementwise": (Elementwise, (4, 3, 6), ["flat", "pooled"], True),
    "conv_bn": (ConvBn, (2, 3, 9, 9), ["out"], False),
    "mobile": (Mobile, (2, 3, 10, 10), ["out"], False),
    "fpn": (Fpn, (2, 3, 8, 8), ["features", "p2"], False),
    "shared_head": (SharedHead, (2, 3, 8, 8), ["cls_logits"], True),
    "frozen_bn": (Frozen, (2, 3, 6, 6), ["out"], False),
    "classifier": (Classifier, (3, 3, 8, 8), ["a", "mixed", "m"], False),
}

# cases also exported with do_constant_folding=True (`model_onnx_folded`)
FOLDED = {"frozen_bn"}


def export(model, x, outputs, training, dynamic=False, folding=False):
    f = io.BytesIO()
    kwargs = {}
    if dynamic:
        kwargs["dynamic_axes"] = {"images": {0: "batch"}, **{o: {0: "batch"} for o in outputs}}
    mode = torch.onnx.TrainingMode.TRAINING if training else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(
        model,
        (x,),
        f,
        opset_version=17,
        training=mode,
        do_constant_folding=folding,
        input_names=["images"],
        output_names=outputs,
        **kwargs,
    )
    return f.getvalue()


def load_initializers(model, onnx_bytes):
    """Sets the module's parameters and buffers to the ONNX file's initializers of the same name."""
    proto = onnx.load_from_string(onnx_bytes)
    inits = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    state = model.state_dict()
    for name, value in inits.items():
        if name in state:
            state[name].copy_(torch.from_numpy(np.array(value)))
    return inits


def u8(b):
    return np.frombuffer(b, dtype=np.uint8).copy()


def make_case(name):
    ctor, shape, outputs, dynamic = CASES[name]
    torch.manual_seed(SEED)
    model = ctor()
    images = torch.randn(*shape)
    model.train()
    onnx_bytes = export(copy.deepcopy(model), images, outputs, training=True)
    dyn_bytes = export(copy.deepcopy(model), images, outputs, training=True, dynamic=True) if dynamic else None
    # with constant folding a FrozenBatchNorm2d becomes anonymous onnx::Mul_* / onnx::Add_* initializers
    folded = export(copy.deepcopy(model), images, outputs, training=True, folding=True) if name in FOLDED else None
    load_initializers(model, onnx_bytes)
    model = model.double()
    start = copy.deepcopy(model.state_dict())
    gen = torch.Generator().manual_seed(SEED + 1)

    model.train()
    model.zero_grad()
    xs = images.double()
    outs = model(xs)
    outs = outs if isinstance(outs, tuple) else (outs,)
    weights = [torch.randn(o.shape, generator=gen).double() for o in outs]  # float32 values, stored as F32
    total = sum((w * o).sum() for w, o in zip(weights, outs))
    total.backward()

    tensors = {"model_onnx": u8(onnx_bytes), "images": images.numpy().astype(np.float32)}
    if dyn_bytes is not None:
        tensors["model_onnx_dynamic"] = u8(dyn_bytes)
    if folded is not None:
        tensors["model_onnx_folded"] = u8(folded)
    params = [n for n, p in model.named_parameters() if p.requires_grad]
    for o, w, out in zip(outputs, weights, outs):
        tensors[f"weight_{o}"] = w.numpy().astype(np.float32)
        tensors[f"train_{o}"] = out.detach().numpy()
    for n, p in model.named_parameters():
        tensors[f"grad/{n}"] = p.grad.numpy().copy()
    stats = []
    for mod_name, mod in model.named_modules():
        if isinstance(mod, nn.modules.batchnorm._BatchNorm):
            for buf in ("running_mean", "running_var"):
                key = f"{mod_name}.{buf}"
                stats.append(key)
                tensors[f"state/{key}"] = getattr(mod, buf).detach().numpy().copy()

    model.load_state_dict(start)
    model.eval()
    with torch.no_grad():
        evals = model(xs)
    evals = evals if isinstance(evals, tuple) else (evals,)
    for o, out in zip(outputs, evals):
        tensors[f"eval_{o}"] = out.numpy()

    meta = {
        "outputs": ",".join(outputs),
        "parameters": ",".join(params),
        "state": ",".join(stats),
        "generator": f"tools/reference/export_models.py; torch {torch.__version__}, torchvision "
        f"{torchvision.__version__}, onnx {onnx.__version__}; seed {SEED}",
    }
    return tensors, meta


def make_fused_eval():
    """conv_bn exported in eval mode: the exporter fuses each BatchNorm into its Conv."""
    torch.manual_seed(SEED)
    model = ConvBn().eval()
    images = torch.randn(2, 3, 9, 9)
    onnx_bytes = export(model, images, ["out"], training=False)
    return {"model_onnx": u8(onnx_bytes), "images": images.numpy()}, {"outputs": "out"}


def make_lstm():
    torch.manual_seed(SEED)
    model = Tiny().eval()
    images = torch.randn(2, 5, 4)
    onnx_bytes = export(model, images, ["out"], training=False)
    return {"model_onnx": u8(onnx_bytes), "images": images.numpy()}, {"outputs": "out"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(REPO, "packages", "onnx", "test", "data"))
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    makers = {name: (lambda n=name: make_case(n)) for name in CASES}
    makers["fused_eval"] = make_fused_eval
    makers["lstm"] = make_lstm
    for name, make in makers.items():
        if args.only and name not in args.only:
            continue
        tensors, meta = make()
        path = os.path.join(args.out, f"import_{name}.safetensors")
        with open(path, "wb") as f:
            f.write(safetensors_io.encode(tensors, meta))
        print(f"{path}: {os.path.getsize(path)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
