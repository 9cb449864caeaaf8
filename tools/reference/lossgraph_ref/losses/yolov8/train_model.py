"""A small YOLO-style detector for the yolov8 training-step fixture (docs/FIXTURES.md "Training steps").

Backbone: five stride-2 conv-BN-SiLU blocks (64 -> 32 -> 16 -> 8 -> 4 -> 2); the last three maps are P3, P4, P5
(strides 8, 16, 32). Head, as Ultralytics' Detect: per level a box branch (conv-BN-SiLU, then a 1x1 conv to
4 * reg_max channels) and a class branch (conv-BN-SiLU, then a 1x1 conv to C channels), not shared between
levels. The maps are flattened level after level, cells row-major, and returned as `pred_distri` [B, A, 4 reg_max]
(channel = side * reg_max + bin, sides l, t, r, b) and `pred_scores` [B, A, C] (logits), which is the layout
the loss and `anchor_points` / `stride_tensor` (reference.py `make_anchors`) use. nn.SiLU exports
at opset 17 as Sigmoid and Mul.
"""

import math

import torch
from torch import nn

from ...train_models import ConvBnAct

OUTPUTS = ("pred_distri", "pred_scores")
STRIDES = (8, 16, 32)
REG_MAX = 8
# distance bins' initial bias -DISTANCE_SLOPE * bin: a mean distance near 1 grid cell, so each level starts
# predicting boxes of about 2 strides (16, 32, 64 px) and every level wins some truths in the assigner
DISTANCE_SLOPE = 0.7


def _flatten(maps, k):
    """[B, k, H, W] maps -> [B, sum(H W), k], level after level, cells row-major."""
    return torch.cat([m.permute(0, 2, 3, 1).reshape(m.shape[0], -1, k) for m in maps], 1)


def _branch(cin, width, cout):
    return nn.Sequential(ConvBnAct(cin, width, 3, act=nn.SiLU), nn.Conv2d(width, cout, 1))


class TinyYolo(nn.Module):
    def __init__(self, num_classes, reg_max=REG_MAX, image_size=64):
        super().__init__()
        self.num_classes, self.reg_max = num_classes, reg_max
        widths = (8, 16, 16, 24, 32)
        self.backbone = nn.Sequential(*(ConvBnAct(cin, cout, 3, 2, act=nn.SiLU)
                                        for cin, cout in zip((3,) + widths[:-1], widths)))
        levels = widths[-3:]
        self.box = nn.ModuleList(_branch(c, 16, 4 * reg_max) for c in levels)
        self.cls = nn.ModuleList(_branch(c, 16, num_classes) for c in levels)
        with torch.no_grad():
            for box, cls, stride in zip(self.box, self.cls, STRIDES):
                box[-1].bias.copy_((-DISTANCE_SLOPE * torch.arange(reg_max, dtype=torch.float32)).repeat(4))
                # Ultralytics' class prior: about 5 objects of C classes in an image of (size / stride)^2 cells
                cls[-1].bias.fill_(math.log(5 / num_classes / (image_size / stride) ** 2))

    def forward(self, images):
        maps = []
        x = images
        for i, block in enumerate(self.backbone):
            x = block(x)
            if i >= len(self.backbone) - 3:
                maps.append(x)
        distri = _flatten([b(m) for b, m in zip(self.box, maps)], 4 * self.reg_max)
        scores = _flatten([c(m) for c, m in zip(self.cls, maps)], self.num_classes)
        return distri, scores
