#!/usr/bin/python3
"""Time a loss's PyTorch counterpart (float32, CPU) on its timing problem, for apps/bench.

One shape:
    /usr/bin/python3 tools/reference/time_loss.py --loss NAME [--batch B] [--classes C] [shape flags] \
        [--repeats 20] [--warmup 3] [--threads N]
prints one JSON line
    {"impl":"pytorch","batch":B,"forward_ms":{"median":X,"p95":X},
     "forward_backward_ms":{"median":X,"p95":X},"first_run_ms":X}

Server (for apps/bench; each loss's registry entry in packages/core names this script and `--loss NAME`):
    /usr/bin/python3 tools/reference/time_loss.py --loss NAME --serve [--threads N]
reads JSON lines on stdin and answers one JSON line per command on stdout:
    {"cmd":"time","batch":8,"classes":21,...shape fields,"mode":"forward"|"forward_backward","repeats":N
     [,"warmup":K][,"gap":{"kind":"idle"|"busy","ms":20}]} -> {"times_ms":[...],"first_run_ms":X}
    {"cmd":"quit"} -> exits.  A bad command gets {"error":"..."}.

The problem, its shape fields and their defaults are the loss's `timing` part
(lossgraph_ref/losses/<loss>/timing.py, `SHAPE`): a field missing from a command takes its default, a shape
flag is a field with `-` for `_` (`image_size` -> `--image-size`). "forward" runs the loss on inputs that do
not require gradients, "forward_backward" on inputs that do and adds the backward of the sum of its terms.
Inputs are generated once per shape, outside the timing; first_run_ms is the first call of that shape and mode
in this process. Progress goes to stderr only.
"""

import argparse

import torch

from lossgraph_ref import losses, timing


def main():
    names = [entry.name for entry in losses.with_part("timing")]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loss", required=True, choices=names)
    # the loss picks the shape flags: read it first (without -h), then add them
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument("--loss", choices=names)
    loss = first.parse_known_args()[0].loss
    if loss is None:
        parser.parse_args()  # -h, or the error that --loss is missing
    problem = losses.entry(loss).part("timing")
    for name, default in problem.SHAPE.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default,
                            help=f"default {default}")
    parser.add_argument("--serve", action="store_true", help="answer JSON-line commands on stdin")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    timing.log(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    timer = timing.ShapeTimer(problem.make_inputs, problem.call_ms)
    if args.serve:
        def key_of(command):
            return timer.shape(*(type(default)(command.get(name, default)) for name, default in problem.SHAPE.items()))
        timing.serve(timer, key_of, f"time_loss --loss {args.loss}")
    else:
        key = timer.shape(*(getattr(args, name) for name in problem.SHAPE))
        timing.report_one_shape(timer, key, args.batch, args.repeats, args.warmup)


if __name__ == "__main__":
    main()
