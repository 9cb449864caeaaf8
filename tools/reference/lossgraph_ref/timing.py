"""Timing helpers shared by the tools/reference/time_*.py scripts (one per loss; each loss's registry entry in
packages/core names its script): summaries, the one-shape report and the JSON-lines server that apps/bench drives."""

import json
import statistics
import sys

import numpy as np

MODES = ("forward", "forward_backward")


def log(message):
    print(message, file=sys.stderr, flush=True)


def summary(times):
    return {"median": statistics.median(times), "p95": float(np.percentile(times, 95))}


def report_one_shape(timer, key, batch, repeats, warmup):
    """Print {"impl":"pytorch","batch":B,"forward_ms":..,"forward_backward_ms":..,"first_run_ms":X} for one shape."""
    report = {"impl": "pytorch", "batch": batch}
    first = None
    for mode in MODES:
        log(f"timing {mode}: {warmup} warm-up, {repeats} repeats")
        times, first_mode = timer.run(key, mode, repeats, warmup)
        first = first_mode if first is None else first
        report[f"{mode}_ms"] = summary(times)
    report["first_run_ms"] = first
    print(json.dumps(report), flush=True)


def serve(timer, key_of, name):
    """Answer JSON-line `time` commands on stdin: `key_of(command)` gives the timer's shape key."""
    log(f"{name}: serving JSON lines on stdin")
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
            times, first = timer.run(key_of(command), command.get("mode", "forward"), command.get("repeats", 10),
                                     command.get("warmup", 0))
            reply = {"times_ms": times, "first_run_ms": first}
        except Exception as err:  # answer, keep serving
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(reply), flush=True)


class ShapeTimer:
    """Caches inputs per shape key and times calls of `call_ms(inputs, mode)` in milliseconds."""

    def __init__(self, make_inputs, call_ms):
        self.make_inputs = make_inputs
        self.call_ms = call_ms
        self.inputs = {}
        self.first = {}

    def shape(self, *key):
        if key not in self.inputs:
            log(f"generating inputs for {key}")
            self.inputs[key] = self.make_inputs(*key)
        return key

    def run(self, key, mode, repeats, warmup=0):
        """(times_ms of `repeats` calls, first_run_ms of this shape and mode)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if (key, mode) not in self.first:
            self.first[(key, mode)] = self.call_ms(self.inputs[key], mode)
        for _ in range(int(warmup)):
            self.call_ms(self.inputs[key], mode)
        times = [self.call_ms(self.inputs[key], mode) for _ in range(int(repeats))]
        return times, self.first[(key, mode)]
