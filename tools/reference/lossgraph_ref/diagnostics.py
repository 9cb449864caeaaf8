"""The expected diagnostics of a loss fixture (docs/FIXTURES.md, "Diagnostics"), in float64 from its inputs.

Every function takes a fixture's tensors and metadata and returns (diagnostics, checks): `diagnostics` maps
each output name of the program's `diagnostics: true` to a numpy array (int64 for masks and indices, float64
otherwise); `checks` maps a name to (difference, allowed) for the ways the diagnostics are tied back to what
PyTorch computed: the fixture's own expected values and torchvision's matchers.

Each loss's `diagnostics` part (lossgraph_ref/losses/<loss>/diagnostics.py) computes them for its fixtures.
"""

import numpy as np

from . import fixture, losses

# rebuilt losses and the fixture's: both float64 from the same inputs
LOSS_REL = 1e-9


def rel(got, want):
    return abs(float(got) - float(want)) / max(1.0, abs(float(want)))


def mismatches(a, b):
    return int((np.asarray(a) != np.asarray(b)).sum())


def compute(tensors, metadata):
    """(diagnostics, checks) of any loss fixture, from its loss's `diagnostics` part."""
    return losses.entry(fixture.loss_of(metadata)[0]).part("diagnostics").compute(tensors, metadata)


def stored(diagnostics):
    """The arrays as a companion file stores them: I64 for integers, F32 for floats (as the fixtures' gradients)."""
    return {name: (a.astype(np.int64) if a.dtype.kind in "iub" else a.astype(np.float32))
            for name, a in diagnostics.items()}
