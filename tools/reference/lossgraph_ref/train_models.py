"""The small detectors of the training-step fixtures (docs/FIXTURES.md "Training steps"), as PyTorch modules.

Each returns its outputs as a tuple in the order of `OUTPUTS`, named after the loss inputs they feed, and
flattens its head maps as torchvision does (level after level, cells row-major, the boxes of a cell).

- `VggBn`: conv-BN-ReLU blocks with MaxPool (the second with ceil_mode), SSD heads on 8x8 and 4x4;
- `SsdLite`: MobileNetV3-style blocks (depthwise separable convs, HardSwish, ReLU6, squeeze-excite with
  HardSigmoid, residual add), nearest upsampling x2 + concat, SSDLite depthwise heads on 8x8 and 4x4.

A loss's own models live in its folder (losses/<loss>/train_models.py, torchvision_models.py).
"""

import torch
from torch import nn
import torch.nn.functional as F


def _flatten(maps, k):
    """[B, A*k, H, W] maps -> [B, sum(H W A), k], as SSD's heads: permute(0, 2, 3, 1).reshape(B, -1, k)."""
    return torch.cat([m.permute(0, 2, 3, 1).reshape(m.shape[0], -1, k) for m in maps], 1)


class ConvBnAct(nn.Sequential):
    """Conv (no bias) - BatchNorm - activation; names conv, bn, act as in the state dict."""

    def __init__(self, cin, cout, kernel=3, stride=1, groups=1, act=nn.ReLU):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        if act is not None:
            self.act = act()


class SsdHeads(nn.Module):
    """One loc and one conf conv per feature map (3x3, or depthwise 3x3-BN-ReLU6 then 1x1 for SSDLite)."""

    def __init__(self, channels, boxes, num_classes, lite=False):
        super().__init__()
        self.num_classes = num_classes

        def head(cin, cout):
            if not lite:
                return nn.Conv2d(cin, cout, 3, padding=1)
            return nn.Sequential(ConvBnAct(cin, cin, 3, groups=cin, act=nn.ReLU6), nn.Conv2d(cin, cout, 1))

        self.loc = nn.ModuleList(head(c, k * 4) for c, k in zip(channels, boxes))
        self.conf = nn.ModuleList(head(c, k * num_classes) for c, k in zip(channels, boxes))

    def forward(self, maps):
        loc = _flatten([h(m) for h, m in zip(self.loc, maps)], 4)
        conf = _flatten([h(m) for h, m in zip(self.conf, maps)], self.num_classes)
        return loc, conf


class VggBn(nn.Module):
    """64x64 -> conv 8 -> pool 2 -> conv 16 -> pool 3/2 ceil (32 -> 16; floor would give 15) -> conv s2 (8x8)
    -> conv s2 + bias + ReLU (4x4); SSD heads with 4 and 6 boxes per cell."""

    boxes = (4, 6)

    def __init__(self, num_classes):
        super().__init__()
        self.conv1 = ConvBnAct(3, 8)
        self.pool1 = nn.MaxPool2d(2, 2)
        self.conv2 = ConvBnAct(8, 16)
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv3 = ConvBnAct(16, 16, stride=2)
        self.conv4 = nn.Conv2d(16, 16, 3, 2, 1)
        self.heads = SsdHeads((16, 16), self.boxes, num_classes)

    def forward(self, images):
        x = self.pool2(self.conv2(self.pool1(self.conv1(images))))
        a = self.conv3(x)
        b = F.relu(self.conv4(a))
        return self.heads([a, b])


class SqueezeExcite(nn.Module):
    """torchvision's SqueezeExcitation as MobileNetV3 uses it: avg pool, 1x1 ReLU, 1x1 HardSigmoid, scale."""

    def __init__(self, channels, squeeze):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * F.hardsigmoid(self.fc2(F.relu(self.fc1(s))))


class InvertedResidual(nn.Module):
    """MobileNetV3 block: expand 1x1, depthwise 3x3 (stride), optional SE, project 1x1, residual."""

    def __init__(self, cin, expand, cout, stride, act, se):
        super().__init__()
        self.expand = ConvBnAct(cin, expand, 1, act=act)
        self.depthwise = ConvBnAct(expand, expand, 3, stride, groups=expand, act=act)
        self.se = SqueezeExcite(expand, max(4, expand // 4)) if se else nn.Identity()
        # an activation after the projection (MobileNetV3's is linear): a linear projection's BN bias, followed
        # by the next block's 1x1 conv and BN, has a gradient that is 0 in exact arithmetic, so a float32 run
        # gives it pure rounding noise and the fixture's grad tolerance would have to cover that noise
        self.project = ConvBnAct(expand, cout, 1, act=act)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return x + y if self.residual else y


class SsdLite(nn.Module):
    """64x64 -> stem s2 HardSwish (32) -> residual ReLU6 block (32) -> SE blocks s2 (16, 8 = map a) ->
    SE block s2 ReLU6 (4 = map b); a' = 1x1 conv of concat(a, upsample x2 nearest of b); SSDLite heads."""

    boxes = (4, 6)

    def __init__(self, num_classes):
        super().__init__()
        self.stem = ConvBnAct(3, 8, 3, 2, act=nn.Hardswish)
        self.block1 = InvertedResidual(8, 16, 8, 1, nn.ReLU6, se=False)
        self.block2 = InvertedResidual(8, 24, 16, 2, nn.Hardswish, se=True)
        self.block3 = InvertedResidual(16, 32, 16, 2, nn.Hardswish, se=True)
        self.block4 = InvertedResidual(16, 32, 24, 2, nn.ReLU6, se=True)
        self.fuse = ConvBnAct(16 + 24, 16, 1, act=nn.ReLU6)
        self.heads = SsdHeads((16, 24), self.boxes, num_classes, lite=True)

    def forward(self, images):
        a = self.block3(self.block2(self.block1(self.stem(images))))
        b = self.block4(a)
        fused = self.fuse(torch.cat([a, F.interpolate(b, scale_factor=2.0, mode="nearest")], 1))
        return self.heads([fused, b])


def randomise_batch_norms(model, generator):
    """BatchNorm weight U(0.5, 1.5) and bias N(0, 0.2^2) instead of 1 and 0: with bias 0 a BatchNorm followed by
    ReLU, pooling, a conv and another BatchNorm is scale-invariant, so its weight's gradient is 0 in exact
    arithmetic (float32 rounding noise only)."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            c = module.weight.numel()
            module.weight.copy_(torch.rand(c, generator=generator) + 0.5)
            module.bias.copy_(torch.randn(c, generator=generator) * 0.2)
