"""Export the detector of examples/ort-train: a small SSD for the tiny-ssd shapes data set, for training.

Usage: /usr/bin/python3 tools/reference/export_example_detector.py [--out examples/ort-train/model/detector.onnx]

The model matches examples/tiny-ssd (src/config.ts): grayscale 32x32 images, 4 logit classes (background +
square, circle, triangle) and 4 default boxes on each cell of a 4x4 and a 2x2 feature map (80 boxes, a cell's
boxes consecutive, cells row-major). Backbone: four stride-2 conv-BN-ReLU blocks (32 -> 16 -> 8 -> 4 -> 2
pixels); an SSD head (a 3x3 conv for box offsets, one for class logits) on each of the last two maps.

Exported with the arguments lossgraph's importer needs for training (packages/onnx/README.md): opset 17,
TrainingMode.TRAINING (BatchNorm kept apart from the convolutions), no constant folding, a static batch.
"""

import argparse
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = 20261206
BATCH = 8
IMAGE_SIZE = 32
NUM_CLASSES = 4
BOXES_PER_CELL = 4
CHANNELS = [1, 8, 16, 32, 32]


class ExampleDetector(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(cout),
                nn.ReLU(),
            )
            for cin, cout in zip(CHANNELS[:-1], CHANNELS[1:])
        )
        self.loc = nn.ModuleList(nn.Conv2d(c, BOXES_PER_CELL * 4, 3, padding=1) for c in CHANNELS[-2:])
        self.conf = nn.ModuleList(nn.Conv2d(c, BOXES_PER_CELL * NUM_CLASSES, 3, padding=1) for c in CHANNELS[-2:])

    def forward(self, images):
        maps = []
        x = images
        for block in self.backbone:
            x = block(x)
            maps.append(x)
        batch = images.shape[0]
        locs, confs = [], []
        for fmap, loc, conf in zip(maps[-2:], self.loc, self.conf):
            # NCHW -> NHWC: a cell's boxes consecutive, cells row-major (the order of defaultBoxes)
            locs.append(loc(fmap).permute(0, 2, 3, 1).reshape(batch, -1, 4))
            confs.append(conf(fmap).permute(0, 2, 3, 1).reshape(batch, -1, NUM_CLASSES))
        return torch.cat(locs, 1), torch.cat(confs, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(REPO, "examples/ort-train/model/detector.onnx"))
    args = parser.parse_args()
    torch.manual_seed(SEED)
    model = ExampleDetector()
    x = torch.rand(BATCH, 1, IMAGE_SIZE, IMAGE_SIZE)
    with torch.no_grad():
        loc, conf = model.eval()(x)
    assert loc.shape == (BATCH, 80, 4) and conf.shape == (BATCH, 80, NUM_CLASSES)
    model.train()
    torch.onnx.export(
        model,
        x,
        args.out,
        opset_version=17,
        training=torch.onnx.TrainingMode.TRAINING,
        do_constant_folding=False,
        input_names=["images"],
        output_names=["loc_data", "conf_data"],
    )
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    main()
