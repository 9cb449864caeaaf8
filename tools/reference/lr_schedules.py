"""Learning-rate schedules of torch.optim.lr_scheduler 1.13, for the schedules of @lossgraph/core.

Writes `packages/core/test/data/lr_schedules.json`: for each case, the scheduler's arguments (lossgraph's
names) and `lrs`, the learning rate of optimizer steps 0..STEPS-1, read from `optimizer.param_groups[0]['lr']`
before each `optimizer.step()`, with `scheduler.step()` after it (PyTorch's documented order).

    constant   no scheduler
    step       StepLR(step_size, gamma)
    cosine     CosineAnnealingLR(T_max, eta_min), over more than T_max steps (it comes back up)
    warmup_*   SequentialLR([LinearLR(start_factor, end_factor=1, total_iters=W), <inner>], milestones=[W])

Run: /usr/bin/python3 tools/reference/lr_schedules.py [--out FILE]
"""

import argparse
import json
import os
import warnings

import torch

STEPS = 40
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, '..', '..', 'packages', 'core', 'test', 'data', 'lr_schedules.json')


def lrs_of(lr, make_scheduler):
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = make_scheduler(optimizer) if make_scheduler else None
    out = []
    for _ in range(STEPS):
        out.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return out


def linear(opt, start_factor, total_iters):
    return torch.optim.lr_scheduler.LinearLR(opt, start_factor=start_factor, end_factor=1.0, total_iters=total_iters)


def warmed(inner, start_factor, steps):
    return lambda opt: torch.optim.lr_scheduler.SequentialLR(
        opt, [linear(opt, start_factor, steps), inner(opt)], milestones=[steps])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default=DEFAULT_OUT)
    args = parser.parse_args()
    warnings.simplefilter('ignore')  # SequentialLR's "step() before optimizer.step()" warning at construction
    step = lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    cosine = lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=15, eta_min=0.001)
    cases = [
        {'name': 'constant', 'schedule': {'type': 'constant', 'lr': 0.05}, 'lrs': lrs_of(0.05, None)},
        {'name': 'step', 'schedule': {'type': 'step', 'lr': 0.1, 'stepSize': 7, 'gamma': 0.5},
         'lrs': lrs_of(0.1, step)},
        {'name': 'step_default_gamma', 'schedule': {'type': 'step', 'lr': 0.2, 'stepSize': 10},
         'lrs': lrs_of(0.2, lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=10))},
        {'name': 'cosine', 'schedule': {'type': 'cosine', 'lr': 0.1, 'tMax': 15, 'etaMin': 0.001},
         'lrs': lrs_of(0.1, cosine)},
        {'name': 'warmup_constant',
         'schedule': {'type': 'warmup', 'steps': 5, 'startFactor': 0.1,
                      'inner': {'type': 'constant', 'lr': 0.05}},
         'lrs': lrs_of(0.05, lambda opt: linear(opt, 0.1, 5))},
        {'name': 'warmup_cosine',
         'schedule': {'type': 'warmup', 'steps': 4, 'startFactor': 0.25,
                      'inner': {'type': 'cosine', 'lr': 0.1, 'tMax': 15, 'etaMin': 0.001}},
         'lrs': lrs_of(0.1, warmed(cosine, 0.25, 4))},
        {'name': 'warmup_step',
         'schedule': {'type': 'warmup', 'steps': 3, 'startFactor': 1 / 3,
                      'inner': {'type': 'step', 'lr': 0.1, 'stepSize': 7, 'gamma': 0.5}},
         'lrs': lrs_of(0.1, warmed(step, 1 / 3, 3))},
    ]
    with open(args.out, 'w') as f:
        json.dump({'generator': 'tools/reference/lr_schedules.py', 'torch': torch.__version__, 'steps': STEPS,
                   'cases': cases}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
