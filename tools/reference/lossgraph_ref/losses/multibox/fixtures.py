"""The multibox fixtures (docs/FIXTURES.md): the seed profile's cases (cases.py, expected values from the
float64 port of the seed, reference.py) and the `torchvision` profile's (torchvision_cases.py, expected values
from torchvision's own SSD.compute_loss), one draw of either, and the default-box files of
packages/core/test/data."""

import numpy as np
import torchvision

from ... import checks, dbox, fixture
from . import cases, seed_fixtures, torchvision_cases, torchvision_fixtures
from .seed_fixtures import METADATA_KEYS, SCHEMA, options_from_metadata

__all__ = ["CASES", "MAX_TRIES", "METADATA_KEYS", "SCHEMA", "evaluate", "options_from_metadata", "reference_files"]

CASES = cases.CASES + torchvision_cases.CASES
MAX_TRIES = 50


def _evaluate_torchvision(case, inputs, options, seed):
    generator = fixture.generator_text(f"torchvision {torchvision.__version__}; case {case.name}, "
                                       f"seed {seed}: {case.description}")
    tensors, metadata, result = torchvision_fixtures.build_ssd_torchvision(inputs, options, generator)
    problems = torchvision_fixtures.ssd_torchvision_problems(inputs, options, result, case.allow_exact_ties)
    if case.verify is not None:
        problems += case.verify(inputs, result, options)
    return tensors, metadata, problems


def evaluate(case, seed):
    """(tensors, metadata, problems) of one draw of a case."""
    inputs, options = case.build(np.random.default_rng(seed))
    if isinstance(case, torchvision_cases.TorchvisionCase):
        return _evaluate_torchvision(case, inputs, options, seed)
    generator = fixture.generator_text(f"case {case.name}, seed {seed}: {case.description}")
    tensors, metadata, result = seed_fixtures.build(inputs, options, generator)
    problems = checks.finite_problems(tensors)
    problems += checks.match_problems(result, options.jaccard_thresh, case.allow_exact_ties)
    problems += checks.mining_problems(result)
    if case.verify is not None:
        problems += case.verify(inputs, result, options)
    return tensors, metadata, problems


def reference_files():
    """(file name, tensors, metadata) of dbox_ssd300.safetensors and dbox_ssd512.safetensors (tensor `dbox`,
    F32 [P, 4])."""
    files = []
    for name, cfg in dbox.PRESETS.items():
        metadata = {"generator": fixture.generator_text(f"dbox.make_dbox_list({name})"), "config": repr(cfg)}
        files.append((f"dbox_{name}.safetensors", {"dbox": dbox.make_dbox_list(cfg).numpy()}, metadata))
    return files
