"""The training-step fixture cases (docs/FIXTURES.md "Training steps") of every loss: each loss's `train_cases`
part (losses/<loss>/train_cases.py) lists its own, in registry order."""

from . import losses

CASES = [case for entry in losses.with_part("train_cases") for case in entry.part("train_cases").CASES]

BY_NAME = {case.name: case for case in CASES}
