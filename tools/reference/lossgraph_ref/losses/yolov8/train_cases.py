"""The yolov8 training-step fixture case (docs/FIXTURES.md "Training steps", loss `yolov8`) and its draw.

A draw goes as lossgraph_ref/train_fixtures.py's `build` (export, the ONNX state, the float64 run, PyTorch's
float32 runs giving the tolerances, the activation checks), with what is the YOLOv8 loss's own: targets in
pixels (one large truth per image, so that the stride-32 level wins some), `anchor_points` and `stride_tensor`
as the batch's non-model loss inputs, and the assigner's float32 margins (cases.py) plus
the CIoU's min/max operands checked at the forward of every step.
"""

import numpy as np
import torch

from ... import draw, training, train_fixtures
from ...train_fixtures import TrainCase
from ...train_models import randomise_batch_norms
from .cases import margin_problems, run
from .reference import Options, make_anchors
from .training import OUTPUTS, PRIORS, options_metadata
from .train_model import REG_MAX, STRIDES, TinyYolo

OPTIONS = Options(reg_max=REG_MAX)  # Ultralytics' defaults otherwise: topk 10, alpha 0.5, beta 6, gains 7.5 / 0.5 / 1.5
CIOU_TOL = 1e-4  # grid units: CIoU min/max operands (a predicted and a truth edge) or an intersection side this close
LARGE_SIDES = (40.0, 60.0)  # px, the first truth of an image
SIDES = (10.0, 40.0)  # px, the others

# Ultralytics' default optimizer for detection training: SGD, momentum 0.937, Nesterov, weight decay 5e-4
QUANTITIES = ("loss", "grad", "param", "state", "eval")

SGD_ULTRALYTICS = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "0.0005", "momentum": "0.937",
                   "dampening": "0.0", "nesterov": "true"}


def draw_batch(case, rng):
    """(images [B, 3, H, W], targets [B, M, 5] in pixels, num_objs [B]); labels in [0, C)."""
    size = case.image_size
    images = rng.standard_normal((case.batch, 3, size, size)).astype(np.float32)
    rows = []
    for b in range(case.batch):
        n = 0 if b == case.empty_image else int(rng.integers(1, case.max_objects + 1))
        if n == 0:
            rows.append(None)
            continue
        sides = np.concatenate([rng.uniform(*LARGE_SIDES, (1, 2)), rng.uniform(*SIDES, (n - 1, 2))])
        corner = rng.uniform(0, 1, (n, 2)) * (size - sides)
        boxes = np.concatenate([corner, corner + sides], 1).astype(np.float32)
        rows.append(draw.objects(boxes, rng.integers(0, case.num_classes, n)))
    targets, num_objs = draw.pad(rows, case.max_objects)
    return images, targets, num_objs


def _pred_boxes(D, points, reg_max):
    """Decoded boxes [B, A, 4] in grid units, as the loss decodes them."""
    B, A, _ = D.shape
    distances = (D.view(B, A, 4, reg_max).softmax(-1) * torch.arange(reg_max, dtype=D.dtype)).sum(-1)
    return torch.cat([points - distances[..., :2], points + distances[..., 2:]], -1)


def step_problems(k, D, X, tensors, options):
    """The assigner's margins and the CIoU's operands at the forward of step k."""
    inputs = {"pred_distri": D.numpy(), "pred_scores": X.numpy(), **{name: tensors[name] for name in PRIORS},
              "targets": tensors["targets"], "num_objs": tensors["num_objs"]}
    result = run(inputs, options)
    problems = [f"step {k}: {p}" for p in margin_problems(inputs, options, result)]
    a = result.assignment
    fg = a.fg_mask
    if bool(fg.any()):
        points = torch.from_numpy(tensors["anchor_points"]).double()
        strides = torch.from_numpy(tensors["stride_tensor"]).double()
        pred = _pred_boxes(D, points, options.reg_max)[fg]
        truth = (a.target_boxes / strides)[fg]
        edge = float((pred - truth).abs().min())
        sides = torch.minimum(pred[:, 2:], truth[:, 2:]) - torch.maximum(pred[:, :2], truth[:, :2])
        side = float(sides.abs().min())
        if edge < CIOU_TOL or side < CIOU_TOL:
            problems.append(f"step {k}: CIoU operands {edge:.1e} apart, intersection side {side:.1e}")
    return problems, result


def loss_problems(case, loss_fn, tensors):
    """Every step's margins; at step 0, a positive on every level (else a head branch gets no box gradient)."""
    problems = []
    for k, (D, X) in enumerate(loss_fn.history[:case.steps]):
        found, result = step_problems(k, D, X, tensors, loss_fn.options)
        problems += found
        if k == 0:
            strides = torch.from_numpy(tensors["stride_tensor"][:, 0])
            for s in STRIDES:
                if not bool(result.assignment.fg_mask[:, strides == s].any()):
                    problems.append(f"no positive anchor on the stride-{s} level")
    return problems


def finish(tensors, metadata, problems, run64, runs32):
    """The tolerances from PyTorch's float32 runs and the expected values, as train_fixtures.build stores them."""
    errors = {}
    for run32 in runs32.values():
        for q, err in training.errors(run32, run64).items():
            errors[q] = max(errors.get(q, 0.0), err)
    for q in QUANTITIES:
        metadata[f"float32_torch_{q}_error"] = f"{errors[q]:.3e}"
        metadata[f"{q}_tolerance"] = f"{max(train_fixtures.TOLERANCE_FLOOR, 10 * errors[q]):.3e}"
    if float(metadata["loss_tolerance"]) > train_fixtures.TOLERANCE_FLOOR:
        problems.append(f"float32 losses off by {errors['loss']:.1e}: the per-step losses must stay a sharp check")
    problems += [f"{q} tolerance {metadata[f'{q}_tolerance']} above {train_fixtures.TOLERANCE_CAP:g}"
                 for q in QUANTITIES[1:] if float(metadata[f"{q}_tolerance"]) > train_fixtures.TOLERANCE_CAP]
    for name, value in run64.losses.items():
        tensors[name] = np.array(value, dtype=np.float64)
    for prefix, values in (("grad/", run64.grads), ("param/", run64.params), ("state/", run64.state),
                           ("train_", run64.train_out), ("eval_", run64.eval_out)):
        for name, value in values.items():
            tensors[prefix + name] = value.astype(np.float32)
    return tensors, metadata, problems


def build(case, seed):
    """(tensors, metadata, problems) of one draw of `case` (train_fixtures.build's steps, yolov8's batch)."""
    torch.manual_seed(seed)
    module = case.model(case.num_classes)
    with torch.no_grad():
        randomise_batch_norms(module, torch.Generator().manual_seed(seed))
    module.train()
    rng = np.random.default_rng(seed)
    images, targets, num_objs = draw_batch(case, rng)
    model_bytes = train_fixtures.export(case, module, images)
    train_fixtures.load_onnx_state(module, model_bytes)
    points, strides = make_anchors((case.image_size, case.image_size), STRIDES)
    tensors = {"model_onnx": np.frombuffer(model_bytes, dtype=np.uint8).copy(), "images": images,
               "anchor_points": points.numpy().astype(np.float32), "stride_tensor": strides.numpy().astype(np.float32),
               "targets": targets, "num_objs": num_objs}
    metadata = {"loss": "yolov8", **options_metadata(OPTIONS), "num_classes": str(case.num_classes),
                "image_size": str(case.image_size), "strides": ",".join(str(s) for s in STRIDES),
                **case.optimizer, "steps": str(case.steps), "batchnorm": "train",
                "batchnorm_momentum": repr(float(case.batchnorm_momentum)),
                "outputs": ",".join(OUTPUTS), "seed": str(seed),
                "generator": train_fixtures.generator_text(case, seed), **case.extra_metadata}
    loss64 = training.make_loss(metadata, tensors)
    run64 = train_fixtures.module_run(module, images, loss64, metadata, case.steps, torch.float64)
    runs32 = train_fixtures.float32_runs(module, images, tensors, metadata, case.steps)
    problems = train_fixtures.activation_problems(model_bytes, images, case.batchnorm_momentum, case.maxpool_tol)
    problems += loss_problems(case, loss64, tensors)
    problems += train_fixtures.run_problems(run64, runs32)
    return finish(tensors, metadata, problems, run64, runs32)


CASES = [
    TrainCase(
        name="train_yolov8_tiny_sgd_nesterov",
        description="YOLO-style detector (lossgraph_ref/losses/yolov8/train_model.py): five stride-2 conv-BN-SiLU "
                    "blocks (SiLU exported as Sigmoid * Mul), a Detect-like head per level P3 8x8, P4 4x4, P5 2x2 "
                    f"(box branch to 4 x {REG_MAX} channels, class branch to C, not shared), A 84, reg_max "
                    f"{REG_MAX}, C 3, yolov8 loss (Ultralytics' defaults otherwise), image 1 without objects, "
                    "SGD lr 0.01 momentum 0.937 Nesterov weight decay 5e-4 (Ultralytics' defaults), B 3, 64x64",
        loss="yolov8", model=TinyYolo, num_classes=3, optimizer=SGD_ULTRALYTICS, first_seed=20262106,
        empty_image=1, batch=3, build=build),
]
