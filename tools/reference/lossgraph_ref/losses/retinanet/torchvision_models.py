"""torchvision's own detection architectures (random init) cut to the part that produces the head outputs, for
training-step fixtures: SSDLite320-MobileNetV3-Large and RetinaNet on a ResNet-18 FPN with FrozenBatchNorm2d.

Each is built from torchvision's classes the way its model builder builds it (torchvision 0.14,
models/detection/ssdlite.py and retinanet.py), with the width reduced so the fixture stays small. `forward`
returns (box regression, class logits) or (class logits, box regression), named as the loss inputs."""

from functools import partial

import torch
from torch import nn
from torchvision.models import mobilenet_v3_large, resnet18
from torchvision.models.detection.anchor_utils import AnchorGenerator, DefaultBoxGenerator
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.retinanet import RetinaNetHead
from torchvision.models.detection.ssdlite import SSDLiteFeatureExtractorMobileNet, SSDLiteHead, _normal_init
from torchvision.ops.feature_pyramid_network import LastLevelP6P7
from torchvision.ops.misc import FrozenBatchNorm2d


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
        """The default boxes of DefaultBoxGenerator for this input, (cx, cy, w, h) normalised, clipped."""
        with torch.no_grad():
            sizes = [m.shape[-2:] for m in self.backbone(images).values()]
        return self.anchors._grid_default_boxes(sizes, list(images.shape[-2:]), dtype=torch.float32)


class TvRetinaNet(nn.Module):
    """torchvision's RetinaNet pieces on resnet18(weights=None, norm_layer=FrozenBatchNorm2d): BackboneWithFPN
    over the stem and layer1 (C2, stride 4; the later layers would make the fixture megabytes too large),
    LastLevelP6P7 from P2 (two strided 3x3 convs), and one RetinaNetHead shared by the three levels; 9 anchors
    per cell (AnchorGenerator sizes x, x 2^(1/3), x 2^(2/3) at aspect ratios 0.5, 1, 2)."""

    def __init__(self, num_classes, channels=16, base_sizes=(16, 32, 64)):
        super().__init__()
        body = resnet18(weights=None, norm_layer=FrozenBatchNorm2d)
        self.backbone = BackboneWithFPN(body, return_layers={"layer1": "0"}, in_channels_list=[64],
                                        out_channels=channels, extra_blocks=LastLevelP6P7(channels, channels))
        sizes = tuple((x, int(x * 2 ** (1.0 / 3)), int(x * 2 ** (2.0 / 3))) for x in base_sizes)
        self.anchor_generator = AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * len(sizes))
        self.head = RetinaNetHead(channels, self.anchor_generator.num_anchors_per_location()[0], num_classes)

    def forward(self, images):
        features = list(self.backbone(images).values())
        return self.head.classification_head(features), self.head.regression_head(features)

    def anchors(self, images):
        """AnchorGenerator's anchors for this batch's feature maps, (x1, y1, x2, y2) pixels, image 0's."""
        from torchvision.models.detection.image_list import ImageList
        with torch.no_grad():
            features = list(self.backbone(images).values())
            batch = ImageList(images, [tuple(images.shape[-2:])] * images.shape[0])
            return self.anchor_generator(batch, features)[0]
