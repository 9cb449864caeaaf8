"""The losses of the reference, one folder each, as packages/core/src/losses/<loss>/ and its registry.ts.

`LOSSES` maps a loss's name (a fixture's `loss` metadata) to its entry. Generic code (fixture.py,
diagnostics.py, training.py, train_fixtures.py, train_cases.py and the scripts) names no loss: it iterates
`LOSSES` or looks a name up with `entry(name)`, then imports the part it needs with `Entry.part`, so a
script that times one loss loads only that loss's modules. A loss's folder holds these parts (a loss
without one has no such job):

- `fixtures`: its fixture cases `CASES`, `MAX_TRIES`, `evaluate(case, seed)` -> (tensors, metadata,
  problems) of one draw, and optionally `SCHEMA` and `METADATA_KEYS` (fixture.validate) and
  `reference_files()` -> [(file name, tensors, metadata)] (the files of packages/core/test/data);
- `diagnostics`: `compute(tensors, metadata)` -> (diagnostics, checks) of one of its fixtures;
- `check`: `check(path)` -> bool, recomputes one of its fixture files and prints the differences;
- `training`: `OUTPUTS` (the model outputs the loss reads) and `make_loss(metadata, tensors)` (the loss on
  tensors that keep their graph);
- `train_cases`: its training-step fixture cases `CASES` and what train_fixtures.py's draw needs of the loss:
  `truths(case, rng, n)` (an image's n boxes and labels), `priors(case)` (the batch's non-model loss inputs by
  name), `metadata(case)` and `problems(case, loss_fn, tensors, run64)`;
- `timing`: its timing problem: `SHAPE` (shape parameters and defaults, in key order), `make_inputs(*shape)`
  and `call_ms(inputs, mode)` (time_loss.py).

Besides its own files a loss folder holds whatever only it uses (its float64 `reference.py`, its cases,
torchvision oracle and models).
"""

import importlib
import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One loss: its name and the metadata profiles its fixtures may name (the first is the default)."""
    name: str
    profiles: tuple = ()

    def has(self, part):
        return importlib.util.find_spec(f"{__name__}.{self.name}.{part}") is not None

    def part(self, part):
        """The module `part` of this loss's folder (fixtures, diagnostics, check, training, train_cases, timing)."""
        return importlib.import_module(f"{__name__}.{self.name}.{part}")

    def profile_of(self, metadata):
        """The fixture's profile (the default when absent), None for a loss without profiles."""
        return metadata.get("profile", self.profiles[0]) if self.profiles else None


LOSSES = {entry.name: entry for entry in (
    Entry("multibox", ("seed", "torchvision")),
    Entry("retinanet"),
    Entry("yolov8"),
)}

# a fixture without `loss` metadata (docs/FIXTURES.md: the seed's files predate the key)
DEFAULT_LOSS = "multibox"


class UnknownLoss(ValueError):
    """A name that is not in LOSSES."""


def entry(name):
    """The Entry of `name`; UnknownLoss naming the known ones otherwise."""
    if name not in LOSSES:
        raise UnknownLoss(f"unknown loss {name!r} (known: {', '.join(LOSSES)})")
    return LOSSES[name]


def with_part(part):
    """The entries that have `part`, in registry order."""
    return [e for e in LOSSES.values() if e.has(part)]
