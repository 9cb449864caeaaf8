"""What the torchvision oracles of every loss share: torchvision's target dicts from a fixture's padded rows,
float32 fixture arrays as differentiable leaves, their gradients, and the dummy backbone a detection model is
built around when only its `compute_loss` runs."""

import numpy as np
import torch
from torch import nn


def detection_targets(targets, num_objs, dtype, label_offset):
    """torchvision's list of {"boxes", "labels"} from the padded targets [B, M, 5] and num_objs [B]."""
    out = []
    for b, n in enumerate(np.asarray(num_objs)):
        rows = torch.from_numpy(np.asarray(targets[b, :int(n)], dtype=np.float32)).to(dtype)
        out.append({"boxes": rows[:, :4].reshape(-1, 4), "labels": rows[:, 4].long() + label_offset})
    return out


def leaf(array, dtype):
    return torch.from_numpy(np.asarray(array, dtype=np.float32)).to(dtype).requires_grad_(True)


def gradients(total, leaves):
    grads = torch.autograd.grad(total, leaves, allow_unused=True)
    return [np.zeros(leaf.shape, dtype=np.float64) if g is None else g.detach().double().numpy()
            for g, leaf in zip(grads, leaves)]


class DummyBackbone(nn.Identity):
    out_channels = 1


def cxcywh_to_xyxy(boxes):
    """(cx, cy, w, h) -> (x1, y1, x2, y2), float64."""
    b = torch.as_tensor(boxes).double()
    return torch.cat([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], 1)
