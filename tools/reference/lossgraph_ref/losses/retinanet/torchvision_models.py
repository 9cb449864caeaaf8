"""torchvision's own RetinaNet pieces (random init) cut to the part that produces the head outputs, for the
retinanet training-step fixtures: RetinaNet on a ResNet-18 FPN with FrozenBatchNorm2d.

Built from torchvision's classes the way its model builder builds it (torchvision 0.14,
models/detection/retinanet.py), with the width reduced so the fixture stays small. `forward` returns
(class logits, box regression), named as the loss inputs."""

import torch
from torch import nn
from torchvision.models import resnet18
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.retinanet import RetinaNetHead
from torchvision.ops.feature_pyramid_network import LastLevelP6P7
from torchvision.ops.misc import FrozenBatchNorm2d


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
