"""SSD default boxes (DBox), as pytorch_advanced's utils/ssd_model.py `DBox.make_dbox_list`.

Boxes are (cx, cy, w, h), normalised to the input size, float32, clamped to [0, 1].
"""

from itertools import product
from math import sqrt

import torch

SSD300 = {
    "input_size": 300,
    "feature_maps": [38, 19, 10, 5, 3, 1],
    "steps": [8, 16, 32, 64, 100, 300],
    "min_sizes": [30, 60, 111, 162, 213, 264],
    "max_sizes": [60, 111, 162, 213, 264, 315],
    "aspect_ratios": [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
}

SSD512 = {
    "input_size": 512,
    "feature_maps": [64, 32, 16, 8, 4, 2, 1],
    "steps": [8, 16, 32, 64, 128, 256, 512],
    "min_sizes": [35.84, 76.8, 153.6, 230.4, 307.2, 384.0, 460.8],
    "max_sizes": [76.8, 153.6, 230.4, 307.2, 384.0, 460.8, 537.6],
    "aspect_ratios": [[2], [2, 3], [2, 3], [2, 3], [2, 3], [2], [2]],
}

PRESETS = {"ssd300": SSD300, "ssd512": SSD512}


def make_dbox_list(cfg):
    """Default boxes for one SSD configuration: float32 tensor [P, 4] of (cx, cy, w, h).

    Per feature map k of size f, for each cell (i, j) in row-major order: the small square, the big
    square, then for each aspect ratio the wide and the tall box. Values are computed in Python
    floats (double), converted to float32 by `torch.Tensor`, then clamped to [0, 1].
    """
    image_size = cfg["input_size"]
    mean = []
    for k, f in enumerate(cfg["feature_maps"]):
        for i, j in product(range(f), repeat=2):
            f_k = image_size / cfg["steps"][k]
            cx = (j + 0.5) / f_k
            cy = (i + 0.5) / f_k
            s_k = cfg["min_sizes"][k] / image_size
            mean += [cx, cy, s_k, s_k]
            s_k_prime = sqrt(s_k * (cfg["max_sizes"][k] / image_size))
            mean += [cx, cy, s_k_prime, s_k_prime]
            for ar in cfg["aspect_ratios"][k]:
                mean += [cx, cy, s_k * sqrt(ar), s_k / sqrt(ar)]
                mean += [cx, cy, s_k / sqrt(ar), s_k * sqrt(ar)]
    output = torch.tensor(mean, dtype=torch.float32).view(-1, 4)
    output.clamp_(max=1, min=0)
    return output


def preset(name):
    """Default boxes of a named preset: 'ssd300' (8732 boxes) or 'ssd512' (24564 boxes)."""
    return make_dbox_list(PRESETS[name])
