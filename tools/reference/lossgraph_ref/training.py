"""Training steps as docs/FIXTURES.md "Training steps" defines them: the loss programs as differentiable
functions of a model's outputs, torch.optim 1.13's optimizers on the single-tensor path, and the loop
(zero_grad, forward, loss, backward of the sum of the terms, step) that records what a fixture stores.

The loop takes the model as a `forward(training)` callable plus its parameter and running-stat tensors,
so the same code trains a PyTorch module (the generator) and an ONNX graph run in PyTorch (the checker).
"""

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from .multibox import Options, match_batch, mining_rank
from .torchvision_ref import RetinanetOptions, _targets, cxcywh_to_xyxy, retinanet_model, ssd_model, _focal_parameters
from torchvision.ops import boxes as box_ops

LOSS_TERMS = {"multibox": ("loss_l", "loss_c"), "retinanet": ("loss_cls", "loss_box"),
              "yolov8": ("loss_box", "loss_cls", "loss_dfl")}
LOSS_OUTPUTS = {"multibox": ("loc_data", "conf_data"), "retinanet": ("cls_logits", "bbox_regression"),
                "yolov8": ("pred_distri", "pred_scores")}


# -- losses -------------------------------------------------------------------------------------------

class MultiboxSeedLoss:
    """The seed's MultiBoxLoss (multibox.py) on tensors that keep their graph; matching is computed once.

    Returns ({"loss_l", "loss_c"}, decisions) where decisions is the mining mask [B, P] (bool numpy)."""

    def __init__(self, dbox_list, targets, num_objs, options):
        self.options = options
        self.conf_t, self.loc_t, self.details = match_batch(dbox_list, targets, num_objs, options)
        self.history = []  # per call: (mining loss [B, P], mining mask [B, P]), for the margin checks

    def __call__(self, outputs):
        loc, conf = outputs["loc_data"], outputs["conf_data"]
        B, P, C = conf.shape
        conf_t = self.conf_t
        loc_t = self.loc_t.to(loc.dtype)
        pos = conf_t > 0
        loss_l = F.smooth_l1_loss(loc[pos], loc_t[pos], reduction="sum", beta=1.0)
        with torch.no_grad():
            mining = F.cross_entropy(conf.detach().reshape(-1, C), conf_t.view(-1), reduction="none").view(B, P)
            mining[pos] = 0
            num_pos = pos.long().sum(1)
            num_neg = torch.clamp(num_pos * self.options.neg_pos, max=P)
            neg = mining_rank(mining) < num_neg.unsqueeze(1)
            self.history.append((mining.double(), neg))
        loss_c = F.cross_entropy(conf[pos | neg], conf_t[pos | neg], reduction="sum")
        n = int(num_pos.sum())
        if n == 0:  # docs/FIXTURES.md extension 2: no positives in the batch, both terms 0 with zero gradient
            zero = (loc.sum() + conf.sum()) * 0.0
            return {"loss_l": zero, "loss_c": zero.clone()}, neg.numpy()
        return {"loss_l": loss_l / n, "loss_c": loss_c / n}, neg.numpy()


class MultiboxTorchvisionLoss:
    """torchvision's SSD.compute_loss (multibox profile `torchvision`), matching as SSD.forward does.
    The decisions are the seed's mining mask (same matching, same ranking of negatives)."""

    def __init__(self, dbox_list, targets, num_objs, options):
        self.options = options
        self.seed = MultiboxSeedLoss(dbox_list, targets, num_objs, options)
        self.dbox = np.asarray(dbox_list, dtype=np.float32)
        self.targets, self.num_objs = targets, num_objs

    def __call__(self, outputs):
        loc, conf = outputs["loc_data"], outputs["conf_data"]
        B, P, C = conf.shape
        dtype = loc.dtype
        model = ssd_model(C, self.options.jaccard_thresh, self.options.neg_pos, self.options.variances)
        anchors = cxcywh_to_xyxy(self.dbox).to(dtype)
        targets = _targets(self.targets, self.num_objs, dtype, 1)
        matched = [torch.full((P,), -1, dtype=torch.int64) if t["boxes"].numel() == 0
                   else model.proposal_matcher(box_ops.box_iou(t["boxes"], anchors)) for t in targets]
        losses = model.compute_loss(targets, {"bbox_regression": loc, "cls_logits": conf}, [anchors] * B, matched)
        _, mined = self.seed({"loc_data": loc.detach(), "conf_data": conf.detach()})
        decisions = np.concatenate([torch.stack(matched).numpy(), mined.astype(np.int64)], 1)
        return {"loss_l": losses["bbox_regression"], "loss_c": losses["classification"]}, decisions


class RetinanetLoss:
    """torchvision's RetinaNet.compute_loss; anchors in pixels. Decisions: the matched indices."""

    def __init__(self, anchors, targets, num_objs, options):
        self.options = options
        self.anchors = np.asarray(anchors, dtype=np.float32)
        self.targets, self.num_objs = targets, num_objs
        self.history = []  # per call: the box regression (float64, detached), for the GIoU margin checks

    def __call__(self, outputs):
        cls, reg = outputs["cls_logits"], outputs["bbox_regression"]
        self.history.append(reg.detach().double())
        B, A, C = cls.shape
        model = retinanet_model(C, self.options)
        anchors = torch.from_numpy(self.anchors).to(cls.dtype)
        targets = _targets(self.targets, self.num_objs, cls.dtype, 0)
        captured = {}
        head_loss = model.head.compute_loss

        def capture(targets_, head_outputs, anchors_, matched_idxs):
            captured["matched"] = torch.stack(matched_idxs).numpy().copy()
            return head_loss(targets_, head_outputs, anchors_, matched_idxs)

        model.head.compute_loss = capture
        with _focal_parameters(float(self.options.focal_alpha), float(self.options.focal_gamma)):
            losses = model.compute_loss(targets, {"cls_logits": cls, "bbox_regression": reg}, [anchors] * B)
        return {"loss_cls": losses["classification"], "loss_box": losses["bbox_regression"]}, captured["matched"]


def make_loss(metadata, tensors):
    """The loss program a fixture's metadata names, over its batch's targets."""
    loss = metadata["loss"]
    if loss == "multibox":
        options = Options(float(metadata["jaccard_thresh"]), int(metadata["neg_pos"]),
                          tuple(float(v) for v in metadata["variance"].split(",")))
        kind = {"seed": MultiboxSeedLoss, "torchvision": MultiboxTorchvisionLoss}[metadata.get("profile", "seed")]
        return kind(tensors["dbox_list"], tensors["targets"], tensors["num_objs"], options)
    if loss == "retinanet":
        options = RetinanetOptions(float(metadata["fg_iou_thresh"]), float(metadata["bg_iou_thresh"]),
                                   float(metadata["focal_alpha"]), float(metadata["focal_gamma"]), metadata["box_loss"])
        return RetinanetLoss(tensors["anchors"], tensors["targets"], tensors["num_objs"], options)
    if loss == "yolov8":  # the loss's own folder (imported here: it imports this module)
        from .losses.yolov8.train_loss import make_yolov8_loss
        return make_yolov8_loss(metadata, tensors)
    raise ValueError(f"unknown loss {loss!r}")


# -- optimizers ---------------------------------------------------------------------------------------

def _flag(text):
    return {"true": True, "false": False}[text]


def make_optimizer(metadata, params):
    """torch.optim's optimizer named in the metadata, single-tensor path (foreach=False)."""
    kind, lr = metadata["optimizer"], float(metadata["lr"])
    wd = float(metadata.get("weight_decay", "0"))
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=float(metadata["momentum"]),
                               dampening=float(metadata["dampening"]), weight_decay=wd,
                               nesterov=_flag(metadata["nesterov"]), foreach=False)
    betas = tuple(float(b) for b in metadata["betas"].split(","))
    common = {"lr": lr, "betas": betas, "eps": float(metadata["eps"]), "weight_decay": wd,
              "amsgrad": _flag(metadata["amsgrad"]), "foreach": False}
    if kind == "adamw":
        return torch.optim.AdamW(params, **common)
    if kind == "adam":
        return torch.optim.Adam(params, **common)
    raise ValueError(f"unknown optimizer {kind!r}")


# -- the loop -----------------------------------------------------------------------------------------

@dataclass
class Run:
    """What a fixture stores, as float64 numpy arrays (float32-run values are widened)."""
    losses: dict = field(default_factory=dict)      # loss_<term>_step<k> -> float
    grads: dict = field(default_factory=dict)       # p -> step-0 gradient
    params: dict = field(default_factory=dict)      # p -> after all steps
    state: dict = field(default_factory=dict)       # s -> after all steps
    train_out: dict = field(default_factory=dict)   # out -> step-0 forward
    eval_out: dict = field(default_factory=dict)    # out -> trained model in eval mode
    decisions: list = field(default_factory=list)   # per step, the loss's discrete decisions


def _numpy(t):
    return t.detach().to(torch.float64).cpu().contiguous().numpy().copy()


def train(forward, params, state, loss_fn, metadata, steps):
    """Run `steps` training steps; `forward(training)` -> outputs by name, `params` / `state` name -> tensor
    (params are leaves that require grad; state is updated in place by the forward). Returns a `Run`."""
    optimizer = make_optimizer(metadata, list(params.values()))
    run = Run()
    for k in range(steps):
        optimizer.zero_grad()
        outputs = forward(True)
        if k == 0:
            run.train_out = {name: _numpy(v) for name, v in outputs.items()}
        terms, decisions = loss_fn(outputs)
        run.decisions.append(decisions)
        for name, value in terms.items():
            run.losses[f"{name}_step{k}"] = float(value)
        sum(terms.values()).backward()
        if k == 0:
            run.grads = {name: np.zeros(p.shape) if p.grad is None else _numpy(p.grad) for name, p in params.items()}
        optimizer.step()
    run.params = {name: _numpy(p) for name, p in params.items()}
    run.state = {name: _numpy(s) for name, s in state.items()}
    with torch.no_grad():
        run.eval_out = {name: _numpy(v) for name, v in forward(False).items()}
    return run


# -- the docs/FIXTURES.md norms ----------------------------------------------------------------------------

def loss_error(got, want):
    """max over the loss entries of |got - want| / max(1, |want|)."""
    return max((abs(got[k] - want[k]) / max(1.0, abs(want[k])) for k in want), default=0.0)


def tensor_error(got, want):
    """max over tensors of max |got - want| / max(1e-3, max |want|)."""
    worst = 0.0
    for name, w in want.items():
        g = got[name]
        if g.shape != w.shape:
            raise ValueError(f"{name}: shape {g.shape} != {w.shape}")
        scale = max(1e-3, float(np.abs(w).max(initial=0.0)))
        worst = max(worst, float(np.abs(g - w).max(initial=0.0)) / scale)
    return worst


def errors(got, want):
    """{q: error} for q in loss, grad, param, state, eval between two Runs."""
    return {
        "loss": loss_error(got.losses, want.losses),
        "grad": tensor_error(got.grads, want.grads),
        "param": tensor_error(got.params, want.params),
        "state": tensor_error(got.state, want.state),
        "eval": tensor_error(got.eval_out, want.eval_out),
    }


def run_from_fixture(tensors, metadata):
    """The `Run` a fixture stores (float64 numpy)."""
    run = Run()
    outputs = metadata["outputs"].split(",")
    for name, array in tensors.items():
        value = np.asarray(array, dtype=np.float64)
        if name.startswith("loss_"):
            run.losses[name] = float(value.reshape(()))
        elif name.startswith("grad/"):
            run.grads[name[5:]] = value
        elif name.startswith("param/"):
            run.params[name[6:]] = value
        elif name.startswith("state/"):
            run.state[name[6:]] = value
        elif name.startswith("train_") and name[6:] in outputs:
            run.train_out[name[6:]] = value
        elif name.startswith("eval_") and name[5:] in outputs:
            run.eval_out[name[5:]] = value
    return run
