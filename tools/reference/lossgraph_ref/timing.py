"""Timing helpers shared by time_loss.py (each loss's `timing` part, losses/<loss>/timing.py) and
time_train_step.py: summaries, the one-shape report and the JSON-lines server that apps/bench drives."""

import json
import statistics
import sys
import time

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
                                     command.get("warmup", 0), command.get("gap"))
            reply = {"times_ms": times, "first_run_ms": first}
        except Exception as err:  # answer, keep serving
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(reply), flush=True)


# 32 MiB of float32, larger than the caches: a busy gap streams it, as a model step streams activations
_SCRATCH = None


def wait_gap(gap):
    """The gap before a timed call (apps/bench/src/perf/protocol.ts, Gap): {"kind": "idle"|"busy", "ms": N}
    sleeps or keeps this thread working for N ms; None: nothing."""
    global _SCRATCH
    if not gap or gap.get("ms", 0) <= 0:
        return
    seconds = gap["ms"] / 1000
    if gap.get("kind") == "idle":
        time.sleep(seconds)
        return
    if _SCRATCH is None:
        _SCRATCH = np.ones(8 << 20, dtype=np.float32)
    end = time.perf_counter() + seconds
    chunk = 1 << 16
    offset = 0
    while time.perf_counter() < end:
        part = _SCRATCH[offset:offset + chunk]
        np.multiply(part, 0.999, out=part)
        np.add(part, 0.001, out=part)
        offset = 0 if offset + chunk >= _SCRATCH.size else offset + chunk


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

    def run(self, key, mode, repeats, warmup=0, gap=None):
        """(times_ms of `repeats` calls, each after `gap` (see wait_gap), first_run_ms of this shape and mode)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if (key, mode) not in self.first:
            self.first[(key, mode)] = self.call_ms(self.inputs[key], mode)
        for _ in range(int(warmup)):
            self.call_ms(self.inputs[key], mode)
        times = []
        for _ in range(int(repeats)):
            wait_gap(gap)
            times.append(self.call_ms(self.inputs[key], mode))
        return times, self.first[(key, mode)]
