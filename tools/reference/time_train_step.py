#!/usr/bin/python3
"""Time PyTorch's own training step (zero_grad, forward, loss, backward, optimizer.step()) of the models of
`bench perf --train` (lossgraph_ref/train_perf.py), and write those models as bench problems.

Write a problem (the model exported with TrainingMode.TRAINING, opset 17, no constant folding, at batch B,
its batch and one float32 PyTorch step, in the training-step fixture format):
    /usr/bin/python3 tools/reference/time_train_step.py --export OUT.safetensors --model ssdlite320 --batch 8

Server (for apps/bench):
    /usr/bin/python3 tools/reference/time_train_step.py --serve [--threads N]
reads JSON lines on stdin and answers one JSON line per command on stdout:
    {"cmd":"time","model":"ssdlite320","batch":8,"repeats":5[,"warmup":0]}
        -> {"times_ms":[...],"first_run_ms":X}
    {"cmd":"quit"} -> exits.  A bad command gets {"error":"..."}.

Each (model, batch) is built once (the same seed, weights and batch as --export writes) outside the timing;
every timed call is one optimizer step that continues from the previous one, as a training loop does.
first_run_ms is the first step of that model and batch in this process. Progress goes to stderr only.
"""

import argparse
import json
import sys
import time

import torch

from lossgraph_ref import safetensors_io, timing
from lossgraph_ref.train_perf import MODELS, Problem, StepTimer

log = timing.log


class Timers:
    def __init__(self):
        self.timers = {}
        self.first = {}

    def run(self, model, batch, repeats, warmup):
        key = (model, batch)
        if key not in self.timers:
            if model not in MODELS:
                raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}")
            log(f"building {model} at batch {batch}")
            self.timers[key] = StepTimer(Problem(model, batch))
        timer = self.timers[key]

        def step_ms():
            start = time.perf_counter()
            timer.step()
            return (time.perf_counter() - start) * 1e3

        if key not in self.first:
            self.first[key] = step_ms()
        for _ in range(int(warmup)):
            step_ms()
        return [step_ms() for _ in range(int(repeats))], self.first[key]


def serve():
    timers = Timers()
    log("time_train_step: serving JSON lines on stdin")
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            command = json.loads(line)
            if command.get("cmd") == "quit":
                break
            if command.get("cmd") != "time":
                raise ValueError(f"unknown cmd {command.get('cmd')!r}")
            times, first = timers.run(str(command["model"]), int(command["batch"]), command.get("repeats", 5),
                                      command.get("warmup", 0))
            reply = {"times_ms": times, "first_run_ms": first}
        except Exception as err:  # answer, keep serving
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(reply), flush=True)


def main():
    parser = argparse.ArgumentParser(description="Time PyTorch's training step of the bench's training models.")
    parser.add_argument("--serve", action="store_true", help="answer JSON-line commands on stdin")
    parser.add_argument("--export", metavar="OUT", help="write the problem of --model at --batch to OUT")
    parser.add_argument("--model", default="ssdlite320", choices=sorted(MODELS))
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--threads", type=int, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.export:
        problem = Problem(args.model, args.batch)
        safetensors_io.write(args.export, problem.tensors(), problem.metadata)
        log(f"wrote {args.export} ({len(problem.model_bytes)} bytes of ONNX)")
    elif args.serve:
        log(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
        serve()
    else:
        parser.error("give --serve or --export OUT")


if __name__ == "__main__":
    main()
