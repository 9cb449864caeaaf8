"""Training steps as docs/FIXTURES.md "Training steps" defines them: the loss programs as differentiable functions
of a model's outputs (each loss's `training` part, losses/<loss>/training.py), torch.optim 1.13's optimizers on
the single-tensor path, and the loop (zero_grad, forward, loss, backward of the sum of the terms, step) that
records what a fixture stores.

The loop takes the model as a `forward(training)` callable plus its parameter and running-stat tensors,
so the same code trains a PyTorch module (the generator) and an ONNX graph run in PyTorch (the checker).
"""

from dataclasses import dataclass, field

import numpy as np
import torch

from . import losses


# -- losses -------------------------------------------------------------------------------------------

def outputs_of(loss):
    """The model outputs `loss` reads, in order (its `training` part's OUTPUTS)."""
    return losses.entry(loss).part("training").OUTPUTS


def make_loss(metadata, tensors):
    """The loss program a fixture's metadata names, over its batch's targets (its loss's `training` part)."""
    return losses.entry(metadata["loss"]).part("training").make_loss(metadata, tensors)


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
