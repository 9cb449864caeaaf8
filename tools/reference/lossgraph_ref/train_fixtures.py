"""Training-step fixtures (docs/FIXTURES.md "Training steps"): export a small detector to ONNX, train it in float64
from the exported initializers, measure PyTorch's own float32 error, and refuse draws a float32 backend could
legitimately disagree with.

One draw of a case (`build`) goes:
1. seed torch and numpy; build the module, draw the batch (images N(0, 1), 1-3 random truths per image);
2. `torch.onnx.export(opset 17, TRAINING, no constant folding)` (the FrozenBatchNorm case folds constants,
   see `TrainCase.fold_constants`); load the file's initializers back into the module, so every run starts
   from the ONNX state (whose running stats already hold the export's one train-mode forward);
3. the expected values: the module `.double()` on float64 images, `training.train` for `steps` steps;
4. PyTorch float32 runs (oneDNN convs, native convs, channels-last): the per-quantity errors give the
   tolerances, max(1e-4, 10 x error);
5. the problems that reject the draw (`problems`).
"""

import contextlib
import copy
import io
import math
import warnings
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torchvision
from torchvision.ops import FrozenBatchNorm2d

from . import draw, losses, safetensors_io, training
from .onnx_torch import OnnxModel

TOLERANCE_CAP = 1e-3  # a grad/param/state/eval tolerance above this rejects the draw
KINK_TOL = 1e-6      # activation input this close to a kink at step 0 rejects the draw
MAXPOOL_TOL = 1e-5   # two largest positive entries of a pooling window this close reject the draw
TOLERANCE_FLOOR = 1e-4
BN_MOMENTUM = 0.1
BATCH = 2
IMAGE_SIZE = 64
MAX_OBJECTS = 3


@dataclass
class TrainCase:
    name: str
    description: str
    loss: str                       # a name of losses.LOSSES
    model: Callable                 # num_classes -> nn.Module (returns the outputs as a tuple)
    num_classes: int                # logits per box (with the background class where the loss has one)
    optimizer: dict                 # optimizer metadata (all strings)
    first_seed: int
    profile: Optional[str] = None   # the loss's profile, for a loss with profiles
    box_loss: str = "l1"            # for a loss with a choice of box loss
    empty_image: Optional[int] = None  # this image gets num_objs 0
    steps: int = 3
    fold_constants: bool = False    # FrozenBatchNorm2d: fold its buffers into anonymous Mul/Add initializers
    prepare: Optional[Callable] = None  # (module, torch.Generator) -> None, after construction
    extra_metadata: dict = field(default_factory=dict)
    image_size: int = IMAGE_SIZE
    batch: int = BATCH  # more than 2 where a BatchNorm sees a 1x1 map (2 values normalise to +-1: no gradient)
    # (module, images [B, 3, H, W] float32 tensor) -> ('dbox_list' | 'anchors', float32 array): the model's own
    # default boxes or anchors (torchvision's generators) instead of the loss's own (its train_cases `priors`)
    priors: Optional[Callable] = None
    batchnorm_momentum: float = BN_MOMENTUM  # PyTorch's m of every BatchNorm2d of the model
    # a MaxPool window's top-two gap below this rejects the draw; a real stem's 3x3/2 pool over thousands of
    # windows always has some gap near 1e-5, so such a case takes 1e-6 (float32 runs still set the tolerances)
    maxpool_tol: float = MAXPOOL_TOL
    # truth box sides, as fractions of the image; large boxes reach the priors of the coarse maps (a map none of
    # whose priors is positive or mined gives its head and the layers feeding only it no gradient)
    box_sides: tuple = (0.15, 0.6)
    max_objects: int = MAX_OBJECTS  # truths per image: 1 to this many
    # a grad/param/state/eval tolerance above this rejects the draw; a real network whose PyTorch float32 run
    # itself deviates more takes a larger cap, and the file then says where its float32 gradient error lies
    tolerance_cap: float = TOLERANCE_CAP


def _hooks(case):
    """The case's loss's `train_cases` part: what drawing, priors, metadata and rejection need of the loss."""
    return losses.entry(case.loss).part("train_cases")


# -- drawing ------------------------------------------------------------------------------------------

def draw_batch(case, rng):
    """(images [B, 3, H, W], targets [B, M, 5], num_objs [B]) float32 / int32."""
    size = case.image_size
    images = rng.standard_normal((case.batch, 3, size, size)).astype(np.float32)
    rows = []
    for b in range(case.batch):
        n = 0 if b == case.empty_image else int(rng.integers(1, case.max_objects + 1))
        if n == 0:
            rows.append(None)
            continue
        boxes, labels = _hooks(case).truths(case, rng, n)
        rows.append(draw.objects(boxes, labels))
    targets, num_objs = draw.pad(rows, case.max_objects)
    return images, targets, num_objs


def priors(case, module, images):
    """The batch's non-model loss inputs by name, float32: {'dbox_list': [P, 4] cx cy w h normalised},
    {'anchors': [A, 4] x1 y1 x2 y2 pixels} or yolov8's {'anchor_points': [A, 2], 'stride_tensor': [A, 1]}."""
    if case.priors is not None:
        name, values = case.priors(module, torch.from_numpy(images))
        return {name: np.ascontiguousarray(values.numpy() if isinstance(values, torch.Tensor) else values,
                                           dtype=np.float32)}
    return _hooks(case).priors(case)


# -- export and the ONNX state ------------------------------------------------------------------------

def outputs_of(case):
    return training.outputs_of(case.loss)


def export(case, module, images):
    """The serialised ModelProto of torch.onnx.export (opset 17, TRAINING)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (torch.from_numpy(images),), buffer, opset_version=17,
                          training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=case.fold_constants,
                          input_names=["images"], output_names=list(outputs_of(case)))
    onnx.checker.check_model(onnx.load_from_string(buffer.getvalue()), full_check=True)
    return buffer.getvalue()


def _folded_norms(proto):
    """FrozenBatchNorm2d module path -> (scale, shift) of its folded Mul/Add initializers."""
    inits = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    folded = {}
    for node in proto.graph.node:
        constant = [name for name in node.input if name.startswith("onnx::") and name in inits]
        if not constant:
            continue
        if node.op_type not in ("Mul", "Add"):
            raise AssertionError(f"folded constant {constant} feeds a {node.op_type} node {node.name}")
        path = node.name.strip("/").rsplit("/", 1)[0].replace("/", ".")
        folded.setdefault(path, {})[node.op_type] = inits[constant[0]].reshape(-1)
    return {path: (v["Mul"], v["Add"]) for path, v in folded.items()}


def load_onnx_state(module, model_bytes):
    """Copy the ONNX initializers into `module` (names as its state dict). A FrozenBatchNorm2d gets the folded
    scale and shift as weight and bias, with mean 0 and var 1 - eps, so the module computes the file's
    constants. Checks that the initializers are exactly the parameters, the running stats and the folds."""
    proto = onnx.load_from_string(model_bytes)
    state = module.state_dict()
    names = set()
    frozen_buffers = set(_frozen_buffers(module))
    with torch.no_grad():
        for init in proto.graph.initializer:
            if init.name.startswith("onnx::"):
                continue
            if init.name in frozen_buffers:  # unfolded FrozenBatchNorm2d: its buffers, constants of the model
                state[init.name].copy_(torch.from_numpy(numpy_helper.to_array(init).copy()))
                continue
            if init.name not in state:
                raise AssertionError(f"initializer {init.name} is not in the module's state dict")
            state[init.name].copy_(torch.from_numpy(numpy_helper.to_array(init).copy()))
            names.add(init.name)
        folds = _folded_norms(proto)
        modules = dict(module.named_modules())
        for path, (scale, shift) in folds.items():
            norm = modules[path]
            if not isinstance(norm, FrozenBatchNorm2d):
                raise AssertionError(f"folded constants of {path}, which is a {type(norm).__name__}")
            norm.weight.copy_(torch.from_numpy(scale.copy()))
            norm.bias.copy_(torch.from_numpy(shift.copy()))
            norm.running_mean.zero_()
            norm.running_var.fill_(1.0 - norm.eps)
    expected = {n for n, _ in module.named_parameters()} | set(running_stats(module))
    if names != expected:
        raise AssertionError(f"initializers {sorted(names ^ expected)} differ from parameters + running stats")
    frozen = [p for p, m in module.named_modules() if isinstance(m, FrozenBatchNorm2d)]
    if folds and sorted(frozen) != sorted(folds):
        raise AssertionError(f"frozen norms {frozen}, folded {sorted(folds)}")


def _frozen_buffers(module):
    """The state-dict names of every FrozenBatchNorm2d buffer."""
    return [f"{path}.{b}" for path, m in module.named_modules() if isinstance(m, FrozenBatchNorm2d)
            for b in ("weight", "bias", "running_mean", "running_var")]


def running_stats(module):
    """name -> running_mean / running_var buffer of every (trainable-mode) BatchNorm."""
    return {f"{path}.{stat}": getattr(m, stat) for path, m in module.named_modules()
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for stat in ("running_mean", "running_var")}


# -- runs ---------------------------------------------------------------------------------------------

def module_run(module, images, loss_fn, metadata, steps, dtype, memory_format=torch.contiguous_format):
    """`training.train` on a copy of `module` in `dtype`."""
    model = copy.deepcopy(module).to(dtype).to(memory_format=memory_format).train()
    x = torch.from_numpy(images).to(dtype).contiguous(memory_format=memory_format)
    names = metadata["outputs"].split(",")

    def forward(train_mode):
        model.train(train_mode)
        return dict(zip(names, model(x)))

    params = dict(model.named_parameters())
    return training.train(forward, params, running_stats(model), loss_fn, metadata, steps)


FLOAT32_VARIANTS = ("onednn", "native", "channels_last")


def float32_runs(module, images, tensors, metadata, steps):
    """variant -> Run of PyTorch's float32 training (oneDNN convs, native convs, channels-last)."""
    runs = {}
    for variant in FLOAT32_VARIANTS:
        context = torch.backends.mkldnn.flags(enabled=False) if variant == "native" else contextlib.nullcontext()
        memory_format = torch.channels_last if variant == "channels_last" else torch.contiguous_format
        with context:
            runs[variant] = module_run(module, images, training.make_loss(metadata, tensors), metadata, steps,
                                       torch.float32, memory_format)
    return runs


# -- rejection checks ---------------------------------------------------------------------------------

def _kinks(node, args):
    op = node.op_type
    if op == "Relu":
        return [0.0]
    if op == "Clip":
        return [float(v) for v in args[1:3] if v is not None]
    if op == "HardSwish":
        return [-3.0, 3.0]
    if op == "HardSigmoid":
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        alpha, beta = float(attrs.get("alpha", 0.2)), float(attrs.get("beta", 0.5))
        return [-beta / alpha, (1.0 - beta) / alpha]
    return []


def _maxpool_gap(node, x, out):
    """Smallest gap between the two largest entries of a window whose two largest are both > 0."""
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    k, s = attrs["kernel_shape"], attrs.get("strides", attrs["kernel_shape"])
    p = attrs.get("pads", [0, 0, 0, 0])
    ho, wo = out.shape[2:]
    need_h, need_w = (ho - 1) * s[0] + k[0], (wo - 1) * s[1] + k[1]
    padded = torch.nn.functional.pad(x, (p[1], max(0, need_w - x.shape[3] - p[1]), p[0],
                                         max(0, need_h - x.shape[2] - p[0])), value=-math.inf)
    windows = padded.unfold(2, k[0], s[0]).unfold(3, k[1], s[1])[:, :, :ho, :wo]
    top = windows.reshape(*windows.shape[:4], -1).topk(2, dim=-1).values
    positive = top[..., 1] > 0
    return float((top[..., 0] - top[..., 1])[positive].min()) if bool(positive.any()) else math.inf


def activation_problems(model_bytes, images, bn_momentum=BN_MOMENTUM, maxpool_tol=MAXPOOL_TOL):
    """Step-0 activation inputs within KINK_TOL of a kink, MaxPool windows within MAXPOOL_TOL of a tie, as
    seen by the ONNX graph run in float64 (train mode)."""
    model = OnnxModel(model_bytes, torch.float64, bn_momentum)
    problems = []

    def observe(node, args, results):
        if not args:
            return
        x = args[0]
        for kink in _kinks(node, args):
            distance = float((x - kink).abs().min())
            if distance <= KINK_TOL:
                problems.append(f"{node.op_type} {node.name}: an input {distance:.1e} from the kink at {kink:g}")
        if node.op_type == "MaxPool":
            gap = _maxpool_gap(node, x, results[0])
            if gap < maxpool_tol:
                problems.append(f"MaxPool {node.name}: window top-two gap {gap:.1e}")

    with torch.no_grad():
        model.forward(torch.from_numpy(images).double(), True, observe)
    return problems


def loss_problems(case, loss_fn, tensors, run64):
    """The loss's own reasons to reject a draw (its `train_cases` part's `problems`: matching and mining margins,
    torchvision's run-out rule, box-loss operands near a kink)."""
    return _hooks(case).problems(case, loss_fn, tensors, run64)


def run_problems(run64, runs32):
    """Parameters without gradient; float32 runs that match or mine differently; non-finite values."""
    problems = [f"{name} has no gradient" for name, g in run64.grads.items() if not np.abs(g).max() > 0]
    for variant, run in runs32.items():
        for k, (want, got) in enumerate(zip(run64.decisions, run.decisions)):
            if not np.array_equal(want, got):
                problems.append(f"float32 ({variant}) step {k}: matching or mining differs from float64")
    values = [*run64.losses.values()] + [float(np.abs(v).max()) for v in run64.params.values()]
    if not all(math.isfinite(v) for v in values):
        problems.append("non-finite values")
    return problems


# -- the fixture --------------------------------------------------------------------------------------

def _float(value):
    return repr(float(value))


def loss_metadata(case):
    """The loss's metadata keys of a case's fixture (its `train_cases` part's `metadata`)."""
    return _hooks(case).metadata(case)


def generator_text(case, seed):
    folding = "constant folding on (FrozenBatchNorm2d folds into onnx::Mul/Add initializers)" \
        if case.fold_constants else "no constant folding"
    return (f"tools/reference/make_train_fixtures.py {case.name}, seed {seed}: torch {torch.__version__}, "
            f"torchvision {torchvision.__version__}, onnx {onnx.__version__}; torch.onnx.export opset 17 TRAINING, "
            f"{folding}; float64 reference from the module .double() started from the ONNX initializers; "
            f"{case.description}")


def zero_gradient_split(run64, runs32):
    """Metadata on where PyTorch's float32 gradient error lies: the tensors whose float64 gradient is exactly 0
    up to rounding (|g| <= 1e-10; in MobileNetV3 the BatchNorm biases whose output reaches the loss only
    through conv + BatchNorm, which subtracts any per-channel shift), where float32 gives rounding noise measured
    against the 1e-3 floor of the norm, and the others."""
    zero = sorted(name for name, g in run64.grads.items() if not np.abs(g).max() > 1e-10)
    others = {name: g for name, g in run64.grads.items() if name not in zero}
    noise = max((float(np.abs(run.grads[name]).max()) for run in runs32.values() for name in zero), default=0.0)
    other_error = max(training.tensor_error({n: run.grads[n] for n in others}, others) for run in runs32.values())
    return {"float32_torch_grad_error_nonzero_tensors": f"{other_error:.3e}",
            "zero_gradient_tensors": ",".join(zero),
            "float32_torch_zero_gradient_noise": f"{noise:.3e}"}


def build(case, seed):
    """(tensors, metadata, problems) of one draw of `case`."""
    torch.manual_seed(seed)
    module = case.model(case.num_classes)
    if case.prepare is not None:
        with torch.no_grad():
            case.prepare(module, torch.Generator().manual_seed(seed))
    module.train()
    rng = np.random.default_rng(seed)
    images, targets, num_objs = draw_batch(case, rng)
    model_bytes = export(case, module, images)
    load_onnx_state(module, model_bytes)
    tensors = {"model_onnx": np.frombuffer(model_bytes, dtype=np.uint8).copy(), "images": images,
               **priors(case, module, images), "targets": targets, "num_objs": num_objs}
    metadata = {**loss_metadata(case), **case.optimizer, "steps": str(case.steps), "batchnorm": "train",
                "batchnorm_momentum": _float(case.batchnorm_momentum), "outputs": ",".join(outputs_of(case)),
                "seed": str(seed), "generator": generator_text(case, seed), **case.extra_metadata}
    loss64 = training.make_loss(metadata, tensors)
    run64 = module_run(module, images, loss64, metadata, case.steps, torch.float64)
    runs32 = float32_runs(module, images, tensors, metadata, case.steps)
    problems = activation_problems(model_bytes, images, case.batchnorm_momentum, case.maxpool_tol)
    problems += loss_problems(case, loss64, tensors, run64)
    problems += run_problems(run64, runs32)
    errors = {}
    for run in runs32.values():
        for q, err in training.errors(run, run64).items():
            errors[q] = max(errors.get(q, 0.0), err)
    for q in ("loss", "grad", "param", "state", "eval"):
        metadata[f"float32_torch_{q}_error"] = f"{errors[q]:.3e}"
        metadata[f"{q}_tolerance"] = f"{max(TOLERANCE_FLOOR, 10 * errors[q]):.3e}"
    if float(metadata["loss_tolerance"]) > TOLERANCE_FLOOR:
        problems.append(f"float32 losses off by {errors['loss']:.1e}: the per-step losses must stay a sharp check")
    problems += [f"{q} tolerance {metadata[f'{q}_tolerance']} above {case.tolerance_cap:g}"
                 for q in ("grad", "param", "state", "eval") if float(metadata[f"{q}_tolerance"]) > case.tolerance_cap]
    if case.tolerance_cap != TOLERANCE_CAP:
        metadata.update(zero_gradient_split(run64, runs32))
    for name, value in run64.losses.items():
        tensors[name] = np.array(value, dtype=np.float64)
    for prefix, values in (("grad/", run64.grads), ("param/", run64.params), ("state/", run64.state)):
        for name, value in values.items():
            tensors[prefix + name] = value.astype(np.float32)
    for prefix, values in (("train_", run64.train_out), ("eval_", run64.eval_out)):
        for name, value in values.items():
            tensors[prefix + name] = value.astype(np.float32)
    return tensors, metadata, problems


def write(path, tensors, metadata):
    return safetensors_io.write(path, tensors, metadata)
