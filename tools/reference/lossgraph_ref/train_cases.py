"""The training-step fixture cases (docs/FIXTURES.md "Training steps") and what each covers."""

from .train_fixtures import TrainCase
from .train_models import SsdLite, TinyRetinaNet, VggBn, randomise_batch_norms, randomise_frozen_norms, reset_head_convs
from .tv_train_models import TvRetinaNet
from .losses.yolov8.train_cases import CASES as YOLOV8_CASES

ADAMW = {"optimizer": "adamw", "lr": "0.001", "weight_decay": "0.01", "betas": "0.9,0.999", "eps": "1e-08",
         "amsgrad": "false"}
ADAM = {"optimizer": "adam", "lr": "0.001", "weight_decay": "0.0", "betas": "0.9,0.999", "eps": "1e-08",
        "amsgrad": "false"}
SGD_NESTEROV = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "4e-05", "momentum": "0.9", "dampening": "0.0",
                "nesterov": "true"}
# torchvision's detection recipe for RetinaNet: SGD lr 0.01, momentum 0.9, weight decay 1e-4
SGD_RETINANET = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "0.0001", "momentum": "0.9", "dampening": "0.0",
                 "nesterov": "false"}
SGD_MOMENTUM = {"optimizer": "sgd", "lr": "0.01", "weight_decay": "0.0005", "momentum": "0.9", "dampening": "0.0",
                "nesterov": "false"}

# docs/FIXTURES.md lists `sgd` and `adamw`; `adam` (torch.optim.Adam, L2 weight decay coupled into g) is new
ADAM_NOTE = {"optimizer_note": "adam = torch.optim.Adam 1.13 single-tensor path: m, v and bias corrections as "
                               "adamw, weight decay (here 0) coupled into g as L2, no decoupled decay; a value beyond "
                               "docs/FIXTURES.md's sgd / adamw"}


def _tv_retinanet_priors(module, images):
    return "anchors", module.anchors(images)


def _tv_retinanet_prepare(module, generator):
    randomise_frozen_norms(module, generator)
    reset_head_convs(module)


def _retinanet_prepare(module, generator):
    randomise_frozen_norms(module, generator)
    reset_head_convs(module)


CASES = [
    TrainCase(
        name="train_vgg_bn_adamw",
        description="conv-BN-ReLU x3 with MaxPool 2/2 and MaxPool 3/2 ceil_mode (32 -> 16), conv+bias+ReLU, "
                    "SSD 3x3 heads on 8x8 (4 boxes) and 4x4 (6 boxes), P 352, multibox seed, C 4, AdamW, B 2, 64x64",
        loss="multibox", profile="seed", model=VggBn, num_classes=4, optimizer=ADAMW, first_seed=20261206, prepare=randomise_batch_norms),
    TrainCase(
        name="train_ssdlite_sgd_nesterov",
        description="MobileNetV3-style: HardSwish stem, depthwise separable blocks (ReLU6, HardSwish; activated projections), "
                    "squeeze-excite (GlobalAveragePool, HardSigmoid, Mul), residual Add, nearest upsample x2 + "
                    "concat, SSDLite depthwise heads on 8x8 and 4x4, P 352, multibox torchvision profile, C 4, "
                    "SGD nesterov momentum 0.9 weight decay 4e-5, B 2, 64x64",
        loss="multibox", profile="torchvision", model=SsdLite, num_classes=4, optimizer=SGD_NESTEROV,
        first_seed=20261306, prepare=randomise_batch_norms),
    TrainCase(
        name="train_retinanet_shared_head_adam",
        description="conv + FrozenBatchNorm2d (folded into constant Mul/Add) backbone, 2-level FPN (1x1 laterals, "
                    "nearest Resize to the lateral's size, 3x3 outputs), torchvision RetinaNetHead shared by P3 16x16 "
                    "and P4 8x8 (every head initializer feeds 2 Conv nodes), A 2880, C 3, retinanet loss giou, "
                    "Adam (no weight decay), B 2, 64x64",
        loss="retinanet", model=TinyRetinaNet, num_classes=3, optimizer={**ADAM}, first_seed=20261406,
        box_loss="giou", fold_constants=True, prepare=_retinanet_prepare,
        extra_metadata={**ADAM_NOTE, "constant_folding": "true"}),
    TrainCase(
        name="train_vgg_bn_empty_image_sgd",
        description="the VGG-BN model of train_vgg_bn_adamw, image 1 without objects (num_objs 0: no positives, "
                    "no mined negatives), multibox seed, C 4, SGD momentum 0.9 weight decay 5e-4, B 2, 64x64",
        loss="multibox", profile="seed", model=VggBn, num_classes=4, optimizer=SGD_MOMENTUM, first_seed=20261506,
        empty_image=1, prepare=randomise_batch_norms),
    TrainCase(
        name="train_tv_retinanet_resnet18_sgd",
        description="torchvision RetinaNet pieces (tools/reference/lossgraph_ref/tv_train_models.py): resnet18 "
                    "(weights=None, FrozenBatchNorm2d, exported unfolded: its buffers are constant initializers) "
                    "stem and layer1, BackboneWithFPN (16 channels) with LastLevelP6P7, one RetinaNetHead shared "
                    "by P2 16x16, P3 8x8, P4 4x4, AnchorGenerator anchors, A 3024, C 3, retinanet loss l1, SGD momentum "
                    "0.9 weight decay 1e-4 (torchvision's recipe), B 2, 64x64",
        loss="retinanet", model=TvRetinaNet, num_classes=3, optimizer=SGD_RETINANET, first_seed=20261706,
        box_loss="l1", priors=_tv_retinanet_priors, prepare=_tv_retinanet_prepare, maxpool_tol=1e-6),
]

CASES += YOLOV8_CASES

BY_NAME = {case.name: case for case in CASES}
