"""The small RetinaNet-style detector of the retinanet training-step fixtures (docs/FIXTURES.md "Training steps"),
as a PyTorch module, and how its case prepares it.

- `TinyRetinaNet`: conv + torchvision FrozenBatchNorm2d backbone, a 2-level FPN (nearest upsampling to the
  lateral's size, as torchvision's FPN), torchvision's RetinaNetHead shared by both levels; returns
  (cls_logits, bbox_regression), flattened as torchvision does.
"""

import math

import torch
from torch import nn
import torch.nn.functional as F
from torchvision.models.detection.retinanet import RetinaNetHead
from torchvision.ops import FrozenBatchNorm2d


class FrozenConv(nn.Sequential):
    """Conv (no bias) - FrozenBatchNorm2d - ReLU, as torchvision's ResNet backbones with frozen norms."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn = FrozenBatchNorm2d(cout)
        self.act = nn.ReLU()


class TinyRetinaNet(nn.Module):
    """64x64 -> frozen-BN convs s2 (32, 16 = C3, 8 = C4) -> FPN (P3 16x16, P4 8x8, 16 channels) ->
    torchvision's RetinaNetHead (4 conv+ReLU per branch, 9 anchors per cell), one head for both levels."""

    num_anchors = 9

    def __init__(self, num_classes, channels=16):
        super().__init__()
        self.body = nn.Sequential()
        self.body.add_module("c1", FrozenConv(3, 8, 2))
        self.body.add_module("c2", FrozenConv(8, 16, 2))
        self.c3 = FrozenConv(16, 24, 2)
        self.inner3 = nn.Conv2d(16, channels, 1)
        self.inner4 = nn.Conv2d(24, channels, 1)
        self.layer3 = nn.Conv2d(channels, channels, 3, padding=1)
        self.layer4 = nn.Conv2d(channels, channels, 3, padding=1)
        self.head = RetinaNetHead(channels, self.num_anchors, num_classes)

    def forward(self, images):
        c3 = self.body(images)
        c4 = self.c3(c3)
        p4 = self.inner4(c4)
        p3 = self.inner3(c3) + F.interpolate(p4, size=c3.shape[-2:], mode="nearest")
        features = [self.layer3(p3), self.layer4(p4)]
        return (self.head.classification_head(features), self.head.regression_head(features))


def randomise_frozen_norms(model, generator):
    """Give every FrozenBatchNorm2d non-trivial statistics (its defaults are the identity)."""
    for module in model.modules():
        if isinstance(module, FrozenBatchNorm2d):
            c = module.weight.numel()
            module.weight.copy_(torch.rand(c, generator=generator) + 0.5)
            module.bias.copy_(torch.randn(c, generator=generator) * 0.1)
            module.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(c, generator=generator) + 0.5)


def reset_head_convs(model):
    """PyTorch's default conv init for RetinaNetHead's convs (torchvision's N(0, 0.01) makes activations so
    small that a float32 run cannot tell their signs apart), keeping the classification prior bias."""
    for module in model.head.modules():
        if isinstance(module, nn.Conv2d):
            bias = None if module.bias is None else module.bias.detach().clone()
            module.reset_parameters()
            if bias is not None and module is model.head.classification_head.cls_logits:
                module.bias.data.copy_(bias)
    prior = -math.log((1 - 0.01) / 0.01)
    assert abs(float(model.head.classification_head.cls_logits.bias[0]) - prior) < 1e-6
