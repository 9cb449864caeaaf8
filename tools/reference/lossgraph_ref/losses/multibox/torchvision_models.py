"""torchvision's own SSDLite320-MobileNetV3-Large (random init) cut to the part that produces the head outputs,
for training-step fixtures of the multibox `torchvision` profile.

Built from torchvision's classes the way its model builder builds it (torchvision 0.14,
models/detection/ssdlite.py), with the width reduced so the fixture stays small. `forward` returns
(box regression, class logits), named as the loss inputs (loc_data, conf_data)."""

from functools import partial

import torch
from torch import nn
from torchvision.models import mobilenet_v3_large
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.models.detection.ssdlite import SSDLiteFeatureExtractorMobileNet, SSDLiteHead, _normal_init


class TvSsdLite(nn.Module):
    """ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None) at `width_mult`: MobileNetV3-Large
    with the reduced tail, BatchNorm eps 1e-3 momentum 0.03, the SSDLite extractor (C4 expansion, C5, four
    extra blocks) and SSDLiteHead, 6 anchors per cell on 6 maps."""

    def __init__(self, num_classes, width_mult=0.25):
        super().__init__()
        norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)
        features = mobilenet_v3_large(weights=None, norm_layer=norm_layer, reduced_tail=True,
                                      width_mult=width_mult).features
        _normal_init(features)
        stages = [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] + [len(features) - 1]
        self.backbone = SSDLiteFeatureExtractorMobileNet(features, stages[-2], norm_layer, width_mult=width_mult)
        self.anchors = DefaultBoxGenerator([[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95)
        out_channels = self._out_channels()
        self.head = SSDLiteHead(out_channels, self.anchors.num_anchors_per_location(), num_classes, norm_layer)

    def _out_channels(self):
        with torch.no_grad():
            self.backbone.eval()
            maps = self.backbone(torch.zeros(1, 3, 320, 320))
            self.backbone.train()
        return [m.shape[1] for m in maps.values()]

    def forward(self, images):
        out = self.head(list(self.backbone(images).values()))
        return out["bbox_regression"], out["cls_logits"]

    def dbox_list(self, images):
        """The default boxes of DefaultBoxGenerator for this input, (cx, cy, w, h) normalised, clipped. The map
        sizes come from an eval-mode forward: a train-mode one would update the BatchNorms' running stats."""
        training = self.training
        with torch.no_grad():
            self.backbone.eval()
            sizes = [m.shape[-2:] for m in self.backbone(images).values()]
            self.backbone.train(training)
        return self.anchors._grid_default_boxes(sizes, list(images.shape[-2:]), dtype=torch.float32)
