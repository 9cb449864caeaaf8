"""The multibox training-step fixture cases (docs/FIXTURES.md "Training steps") and what the generator
(lossgraph_ref/train_fixtures.py) needs of the loss: how truths are drawn, the default boxes, the metadata
keys and the reasons to reject a draw."""

import math
import types

from ... import checks, draw
from ...dbox import make_dbox_list
from ...train_fixtures import IMAGE_SIZE, TrainCase
from ...train_models import SsdLite, VggBn, randomise_batch_norms
from ...train_optimizers import ADAMW, SGD_MOMENTUM, SGD_NESTEROV
from .reference import Options
from .torchvision_fixtures import run_out_problems

# default boxes of the SSD heads on 8x8 (4 boxes) and 4x4 (6 boxes) maps of a 64x64 image
SSD64 = {"input_size": IMAGE_SIZE, "feature_maps": [8, 4], "steps": [8, 16], "min_sizes": [16, 32],
         "max_sizes": [32, 48], "aspect_ratios": [[2], [2, 3]]}


def truths(case, rng, boxes):
    """(boxes, labels) of one image's truths: normalised boxes, labels 1 .. C-1 (0 is the background)."""
    return boxes, draw.random_labels(rng, len(boxes), case.num_classes)


def priors(case):
    return "dbox_list", make_dbox_list(SSD64).numpy()


def _float(value):
    return repr(float(value))


def metadata(case):
    options = Options()
    return {"loss": "multibox", "profile": case.profile, "jaccard_thresh": _float(options.jaccard_thresh),
            "neg_pos": str(options.neg_pos), "variance": ",".join(_float(v) for v in options.variances),
            "num_classes": str(case.num_classes)}


def _mining_margin(mining, neg, conf_t, b):
    negative = conf_t[b] == 0
    selected, unselected = neg[b] & negative, ~neg[b]
    if not bool(selected.any()) or not bool(unselected.any()):
        return math.inf
    low, high = float(mining[b][selected].min()), float(mining[b][unselected].max())
    return (low - high) / max(1.0, abs(low))


def problems(case, loss_fn, tensors, run64):
    """Matching margins (step 0), mining margins (every step), torchvision's run-out rule."""
    problems = []
    seed = loss_fn.seed if case.profile == "torchvision" else loss_fn
    result = types.SimpleNamespace(details=seed.details, conf_t_label=seed.conf_t)
    problems += checks.match_problems(result, seed.options.jaccard_thresh)
    for k, (mining, neg) in enumerate(seed.history[:case.steps]):
        for b in range(mining.size(0)):
            margin = _mining_margin(mining, neg, seed.conf_t, b)
            if margin < checks.TOL:
                problems.append(f"step {k} image {b}: mining margin {margin:.1e}")
    if case.profile == "torchvision":
        num_pos = types.SimpleNamespace(num_pos=(seed.conf_t > 0).sum(1).numpy())
        problems += run_out_problems(tensors, seed.options, num_pos)
    if int((seed.conf_t > 0).sum()) == 0:
        problems.append("no positives")
    return problems


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
        name="train_vgg_bn_empty_image_sgd",
        description="the VGG-BN model of train_vgg_bn_adamw, image 1 without objects (num_objs 0: no positives, "
                    "no mined negatives), multibox seed, C 4, SGD momentum 0.9 weight decay 5e-4, B 2, 64x64",
        loss="multibox", profile="seed", model=VggBn, num_classes=4, optimizer=SGD_MOMENTUM, first_seed=20261506,
        empty_image=1, prepare=randomise_batch_norms),
]
