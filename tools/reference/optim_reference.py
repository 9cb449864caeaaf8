"""Training-step reference: a tiny detector trained by torch.optim 1.13 in float64.

Writes `packages/core/test/data/optim_reference.safetensors`, which the training-step tests of
@lossgraph/core (reference interpreter) and of the backends compare with. The model is the one
`packages/core/src/testing/tiny-detector.ts` writes into the IR:

    x    = images.reshape(B, 48)                      # images [B, 3, 4, 4]
    h    = softsign(BatchNorm1d(48)(x))                 # train mode: batch statistics, running stats updated
    loc  = (h @ loc.weight.T + loc.bias).reshape(B, P, 4)
    conf = (h @ conf.weight.T + conf.bias).reshape(B, P, C)

joined to the seed's MultiBoxLoss (docs/FIXTURES.md semantics, `lossgraph_ref.losses.multibox.reference`), and
trained for STEPS steps on one batch by each optimizer configuration in CONFIGS (zero_grad, forward, backward of
loss_l + loss_c, optimizer.step(), as docs/FIXTURES.md "Training steps" describes).

Tensors (F32 unless stated):
    images, dbox_list, targets, num_objs (I32)       the batch
    init/<p>, init/<s>                                 initial parameters and BatchNorm running stats
    grad/<p>                                           d(loss_l + loss_c)/d<p> at step 0 (no weight decay)
    <cfg>/loss_l_step<k>, <cfg>/loss_c_step<k> (F64)   loss terms at the forward of step k
    <cfg>/param/<p>, <cfg>/state/<s>                   after STEPS steps
    <cfg>/opt/<p>.<slot>                               torch.optim state after STEPS steps (momentum_buffer, ...)
    <cfg>/eval/<out>                                   the trained model in eval mode on `images`
Metadata: `config/<cfg>` is the optimizer's options as JSON (lossgraph's names: type, lr, momentum,
dampening, weightDecay, nesterov, betas, eps, amsgrad) plus `lrs`, the learning rate of each step;
`steps`, `seed`, `generator`.

A draw is rejected (next seed) when a hard-negative cut at any step of any configuration lies within
MARGIN (relative) of the next candidate, so that float32 backends mine the same boxes.

Run: /usr/bin/python3 tools/reference/optim_reference.py [--out FILE]
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lossgraph_ref import draw, safetensors_io  # noqa: E402
from lossgraph_ref.losses.multibox.reference import Options, match_batch, mining_rank  # noqa: E402

B, CH, H, W = 4, 3, 4, 4
FEATURES = CH * H * W
P, C, M = 16, 3, 3
STEPS = 3
BN_EPS = 1e-5
BN_MOMENTUM = 0.1
MARGIN = 1e-3
FIRST_SEED = 20261206

# name -> (torch optimizer factory arguments in lossgraph's names, learning rate per step)
CONFIGS = {
    "sgd": ({"type": "sgd", "lr": 0.1}, None),
    "sgd_momentum": ({"type": "sgd", "lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weightDecay": 5e-4}, None),
    "sgd_nesterov": ({"type": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 1e-3}, None),
    "adam": ({"type": "adam", "lr": 0.01, "weightDecay": 1e-2}, None),
    "adam_amsgrad": ({"type": "adam", "lr": 0.01, "betas": [0.8, 0.9], "eps": 1e-6, "amsgrad": True}, None),
    "adamw": ({"type": "adamw", "lr": 0.01, "weightDecay": 0.05}, [0.01, 0.005, 0.0025]),
}

PARAMS = ["bn.weight", "bn.bias", "loc.weight", "loc.bias", "conf.weight", "conf.bias"]
STATE = ["bn.running_mean", "bn.running_var"]


def make_optimizer(options, params):
    o = options
    if o["type"] == "sgd":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o.get("momentum", 0), dampening=o.get("dampening", 0),
                               weight_decay=o.get("weightDecay", 0), nesterov=o.get("nesterov", False),
                               foreach=False)
    cls = torch.optim.Adam if o["type"] == "adam" else torch.optim.AdamW
    default_wd = 0.0 if o["type"] == "adam" else 1e-2
    return cls(params, lr=o["lr"], betas=tuple(o.get("betas", (0.9, 0.999))), eps=o.get("eps", 1e-8),
               weight_decay=o.get("weightDecay", default_wd), amsgrad=o.get("amsgrad", False), foreach=False)


class TinyDetector(torch.nn.Module):
    def __init__(self, init):
        super().__init__()
        self.bn = torch.nn.BatchNorm1d(FEATURES, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.loc = torch.nn.Linear(FEATURES, P * 4)
        self.conf = torch.nn.Linear(FEATURES, P * C)
        self.double()
        with torch.no_grad():
            for name, tensor in self.state_dict().items():
                if name in init:
                    tensor.copy_(torch.from_numpy(init[name]).double())

    def forward(self, images):
        h = F.softsign(self.bn(images.reshape(images.shape[0], FEATURES)))
        return self.loc(h).reshape(-1, P, 4), self.conf(h).reshape(-1, P, C)


def multibox_terms(loc, conf, dbox_list, targets, num_objs, options=Options()):
    """The seed's loss_l, loss_c (differentiable in loc and conf) and the smallest relative mining margin."""
    conf_t, loc_t, _ = match_batch(dbox_list, targets, num_objs, options)
    pos = conf_t > 0
    n = int(pos.sum())
    assert n > 0
    loss_l = F.smooth_l1_loss(loc[pos], loc_t[pos], reduction="sum", beta=1.0)
    with torch.no_grad():
        ce = F.cross_entropy(conf.reshape(-1, C), conf_t.reshape(-1), reduction="none").reshape(B, P)
        mining = ce.clone()
        mining[pos] = 0
        num_neg = torch.clamp(pos.long().sum(1) * options.neg_pos, max=P)
        neg = mining_rank(mining) < num_neg.unsqueeze(1)
        margin = float("inf")
        for b in range(B):
            k = int(num_neg[b])
            if 0 < k < P:
                ranked = torch.sort(mining[b], descending=True).values
                margin = min(margin, float((ranked[k - 1] - ranked[k]) / max(abs(float(ranked[k - 1])), 1e-12)))
    selected = pos | neg
    loss_c = F.cross_entropy(conf[selected], conf_t[selected], reduction="sum")
    return loss_l / n, loss_c / n, margin


def draw_problem(rng):
    images = rng.normal(0.0, 1.0, (B, CH, H, W)).astype(np.float32)
    dbox_list = draw.random_priors(rng, P, 0.15, 0.6)
    rows = [draw.objects(draw.random_boxes(rng, n, 0.2, 0.6), draw.random_labels(rng, n, C)) if n else None
            for n in (2, 3, 1, 0)]
    targets, num_objs = draw.pad(rows, M)
    init = {
        "bn.weight": rng.uniform(0.5, 1.5, FEATURES).astype(np.float32),
        "bn.bias": rng.normal(0.0, 0.1, FEATURES).astype(np.float32),
        "bn.running_mean": rng.normal(0.0, 0.1, FEATURES).astype(np.float32),
        "bn.running_var": rng.uniform(0.8, 1.2, FEATURES).astype(np.float32),
        "loc.weight": rng.normal(0.0, 0.15, (P * 4, FEATURES)).astype(np.float32),
        "loc.bias": rng.normal(0.0, 0.1, P * 4).astype(np.float32),
        "conf.weight": rng.normal(0.0, 0.15, (P * C, FEATURES)).astype(np.float32),
        "conf.bias": rng.normal(0.0, 0.1, P * C).astype(np.float32),
    }
    return images, dbox_list, targets, num_objs, init


def train(config, problem):
    """Runs one configuration; returns (tensors by name relative to the config, smallest mining margin, grads)."""
    options, lrs = config
    images, dbox_list, targets, num_objs, init = problem
    model = TinyDetector(init)
    model.train()
    optimizer = make_optimizer(options, model.parameters())
    x = torch.from_numpy(images).double()
    out, margin, grads = {}, float("inf"), None
    for k in range(STEPS):
        if lrs is not None:
            for group in optimizer.param_groups:
                group["lr"] = lrs[k]
        optimizer.zero_grad()
        loc, conf = model(x)
        loss_l, loss_c, m = multibox_terms(loc, conf, dbox_list, targets, num_objs)
        margin = min(margin, m)
        (loss_l + loss_c).backward()
        if k == 0:
            grads = {name: p.grad.detach().numpy().astype(np.float32) for name, p in model.named_parameters()}
        out[f"loss_l_step{k}"] = np.array(float(loss_l), dtype=np.float64)
        out[f"loss_c_step{k}"] = np.array(float(loss_c), dtype=np.float64)
        optimizer.step()
    named = dict(model.named_parameters())
    for name in PARAMS:
        out[f"param/{name}"] = named[name].detach().numpy().astype(np.float32)
        for slot, value in optimizer.state[named[name]].items():
            if slot != "step" and value is not None:
                out[f"opt/{name}.{slot}"] = value.detach().numpy().astype(np.float32)
    buffers = dict(model.named_buffers())
    for name in STATE:
        out[f"state/{name}"] = buffers[name].detach().numpy().astype(np.float32)
    model.eval()
    with torch.no_grad():
        loc, conf = model(x)
    out["eval/loc_data"] = loc.numpy().astype(np.float32)
    out["eval/conf_data"] = conf.numpy().astype(np.float32)
    return out, margin, grads


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--out", default=os.path.join(root, "packages/core/test/data/optim_reference.safetensors"))
    args = parser.parse_args()
    seed = FIRST_SEED
    while True:
        problem = draw_problem(np.random.default_rng(seed))
        results = {name: train(config, problem) for name, config in CONFIGS.items()}
        margin = min(r[1] for r in results.values())
        if margin >= MARGIN:
            break
        print(f"seed {seed}: mining margin {margin:.2e} < {MARGIN}, next seed", file=sys.stderr)
        seed += 1
    images, dbox_list, targets, num_objs, init = problem
    tensors = {"images": images, "dbox_list": dbox_list, "targets": targets, "num_objs": num_objs}
    for name, value in init.items():
        tensors[f"init/{name}"] = value
    for name, value in next(iter(results.values()))[2].items():
        tensors[f"grad/{name}"] = value
    metadata = {
        "steps": str(STEPS),
        "seed": str(seed),
        "generator": f"tools/reference/optim_reference.py, torch {torch.__version__}",
    }
    for name, (options, lrs) in CONFIGS.items():
        metadata[f"config/{name}"] = json.dumps({**options, "lrs": lrs or [options["lr"]] * STEPS})
        for key, value in results[name][0].items():
            tensors[f"{name}/{key}"] = value
    safetensors_io.write(args.out, tensors, metadata)
    print(f"wrote {args.out} (seed {seed}, mining margin {margin:.2e})")


if __name__ == "__main__":
    main()
