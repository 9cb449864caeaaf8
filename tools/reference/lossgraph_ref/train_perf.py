"""The models `bench perf --train` times (one training step), as PyTorch modules and bench problems.

- `fixture_ssdlite`: the model of fixtures/train_ssdlite_sgd_nesterov.safetensors (`train_models.SsdLite`,
  64x64, 4 classes), re-exported at the requested batch size (the fixture's export fixes its batch at 2);
- `ssdlite320`: a larger SSDlite-like detector at 320x320 (MobileNetV3-style blocks, 21 classes, SSDLite
  heads on 20x20 and 10x10 maps, 3000 default boxes), defined here.

Both train with the fixture's loss (multibox, torchvision profile) and optimizer (SGD Nesterov). A problem
file is written in the training-step fixture format (docs/FIXTURES.md "Training steps") with `steps` 1, so the
bench reads it with the same reader; its expected values are one float32 PyTorch step, there only as a
sanity check of the import, not as a conformance fixture.
"""

import copy
import dataclasses

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F
from torchvision.ops import boxes as box_ops

from . import draw, train_cases, train_fixtures, training
from .dbox import make_dbox_list
from .losses.multibox.torchvision_ref import ssd_model
from .losses.multibox.train_cases import SSD64
from .torchvision_common import cxcywh_to_xyxy, detection_targets
from .train_models import ConvBnAct, InvertedResidual, SsdHeads, SsdLite, randomise_batch_norms


class SsdLite320(nn.Module):
    """320x320 -> HardSwish stem s2 (160) -> MobileNetV3-style inverted residual blocks (ReLU6 then HardSwish,
    squeeze-excite on some) down to 20x20 (map a, 80 channels) and 10x10 (map b, 112 channels); a' = 1x1 conv
    of concat(a, nearest upsample x2 of b); SSDLite depthwise heads with 6 boxes per cell."""

    boxes = (6, 6)

    def __init__(self, num_classes):
        super().__init__()
        self.stem = ConvBnAct(3, 16, 3, 2, act=nn.Hardswish)
        self.blocks_a = nn.Sequential(
            InvertedResidual(16, 16, 16, 1, nn.ReLU6, se=False),
            InvertedResidual(16, 64, 24, 2, nn.ReLU6, se=False),
            InvertedResidual(24, 72, 24, 1, nn.ReLU6, se=False),
            InvertedResidual(24, 72, 40, 2, nn.Hardswish, se=True),
            InvertedResidual(40, 120, 40, 1, nn.Hardswish, se=True),
            InvertedResidual(40, 240, 80, 2, nn.Hardswish, se=False),
            InvertedResidual(80, 200, 80, 1, nn.Hardswish, se=False),
        )
        self.block_b = InvertedResidual(80, 480, 112, 2, nn.Hardswish, se=True)
        self.fuse = ConvBnAct(80 + 112, 96, 1, act=nn.ReLU6)
        self.heads = SsdHeads((96, 112), self.boxes, num_classes, lite=True)

    def forward(self, images):
        a = self.blocks_a(self.stem(images))
        b = self.block_b(a)
        fused = self.fuse(torch.cat([a, F.interpolate(b, scale_factor=2.0, mode="nearest")], 1))
        return self.heads([fused, b])


# name -> (module class, classes incl. background, image size, default-box configuration)
MODELS = {
    "fixture_ssdlite": (SsdLite, 4, train_fixtures.IMAGE_SIZE, SSD64),
    "ssdlite320": (SsdLite320, 21, 320, {"input_size": 320, "feature_maps": [20, 10], "steps": [16, 32],
                                         "min_sizes": [32, 96], "max_sizes": [96, 180],
                                         "aspect_ratios": [[2, 3], [2, 3]]}),
}
CASE = train_cases.BY_NAME["train_ssdlite_sgd_nesterov"]  # its loss profile and optimizer
SEED = 20261906
MAX_OBJECTS = 6


class Problem:
    """One model at one batch size: the module (train mode, ONNX initial state), its batch and metadata."""

    def __init__(self, name, batch):
        model_class, num_classes, size, boxes = MODELS[name]
        torch.manual_seed(SEED)
        module = model_class(num_classes)
        with torch.no_grad():
            randomise_batch_norms(module, torch.Generator().manual_seed(SEED))
        module.train()
        rng = np.random.default_rng(SEED)
        images = rng.standard_normal((batch, 3, size, size)).astype(np.float32)
        rows = []
        for _ in range(batch):
            n = int(rng.integers(1, MAX_OBJECTS + 1))
            rows.append(draw.objects(draw.random_boxes(rng, n, 0.1, 0.6), draw.random_labels(rng, n, num_classes)))
        targets, num_objs = draw.pad(rows, MAX_OBJECTS)
        case = dataclasses.replace(CASE, num_classes=num_classes)
        self.name, self.batch, self.case = name, batch, case
        self.model_bytes = train_fixtures.export(case, module, images)
        train_fixtures.load_onnx_state(module, self.model_bytes)
        self.module = module
        self.images, self.targets, self.num_objs = images, targets, num_objs
        self.dbox_list = make_dbox_list(boxes).numpy()
        self.metadata = {**train_fixtures.loss_metadata(case), **case.optimizer, "steps": "1", "batchnorm": "train",
                         "batchnorm_momentum": repr(train_fixtures.BN_MOMENTUM), "outputs": "loc_data,conf_data",
                         "seed": str(SEED),
                         "generator": f"tools/reference/time_train_step.py --export {name} --batch {batch}: "
                                      f"torch {torch.__version__}; a bench problem, expected values from one "
                                      "float32 PyTorch step (a sanity check, not a conformance fixture)"}
        for q in ("loss", "grad", "param", "state", "eval"):
            self.metadata[f"{q}_tolerance"] = "1e-2"

    def tensors(self):
        """The problem in the training-step fixture format, with one float32 PyTorch step as the expected values."""
        tensors = {"model_onnx": np.frombuffer(self.model_bytes, dtype=np.uint8).copy(), "images": self.images,
                   "dbox_list": self.dbox_list, "targets": self.targets, "num_objs": self.num_objs}
        loss_fn = training.make_loss(self.metadata, tensors)
        run = train_fixtures.module_run(self.module, self.images, loss_fn, self.metadata, 1, torch.float32)
        for name, value in run.losses.items():
            tensors[name] = np.array(value, dtype=np.float64)
        for prefix, values in (("grad/", run.grads), ("param/", run.params), ("state/", run.state),
                               ("train_", run.train_out), ("eval_", run.eval_out)):
            for name, value in values.items():
                tensors[prefix + name] = value.astype(np.float32)
        return tensors


class TorchvisionSsdLoss:
    """torchvision's SSD.compute_loss with its matching (box_iou + Matcher) redone at every call, as in
    SSD.forward: the work lossgraph's training step does inside its graph."""

    def __init__(self, problem):
        options = training.make_loss(problem.metadata, {"dbox_list": problem.dbox_list, "targets": problem.targets,
                                                        "num_objs": problem.num_objs}).options
        num_classes = int(problem.metadata["num_classes"])
        self.model = ssd_model(num_classes, options.jaccard_thresh, options.neg_pos, options.variances)
        self.anchors = cxcywh_to_xyxy(problem.dbox_list).float()
        self.targets = detection_targets(problem.targets, problem.num_objs, torch.float32, 1)

    def __call__(self, loc, conf):
        matched = [self.model.proposal_matcher(box_ops.box_iou(t["boxes"], self.anchors)) for t in self.targets]
        losses = self.model.compute_loss(self.targets, {"bbox_regression": loc, "cls_logits": conf},
                                         [self.anchors] * loc.shape[0], matched)
        return losses["bbox_regression"], losses["classification"]


class StepTimer:
    """PyTorch's own training step of a problem: zero_grad, forward, loss, backward, optimizer.step()."""

    def __init__(self, problem):
        self.model = copy.deepcopy(problem.module).train()
        self.images = torch.from_numpy(problem.images)
        self.loss = TorchvisionSsdLoss(problem)
        self.optimizer = training.make_optimizer(problem.metadata, list(self.model.parameters()))

    def step(self):
        self.optimizer.zero_grad()
        loc, conf = self.model(self.images)
        loss_l, loss_c = self.loss(loc, conf)
        (loss_l + loss_c).backward()
        self.optimizer.step()
        return float(loss_l), float(loss_c)
