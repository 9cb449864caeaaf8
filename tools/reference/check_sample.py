#!/usr/bin/python3
"""Recompute fixture files with this reference and print how far they are from their stored values.

Usage: /usr/bin/python3 tools/reference/check_sample.py [FILE.safetensors ...]

Default: /work/shared/fixtures/sample_p64_c4.safetensors, written by an independent implementation. Each file
is checked by its loss's `check` part (lossgraph_ref/losses/<loss>/check.py, which states the agreement it
requires); a file of a loss without one is skipped. Exit status 1 when a file disagrees.
"""

import sys

from lossgraph_ref import fixture, losses, safetensors_io

DEFAULT = "/work/shared/fixtures/sample_p64_c4.safetensors"


def check(path):
    """True when the file agrees (or its loss has no check)."""
    _, metadata = safetensors_io.read(path)
    loss = fixture.loss_of(metadata)[0]
    entry = losses.entry(loss)
    if not entry.has("check"):
        print(f"{path}: skipped (no recomputation of the {loss} loss)")
        return True
    return entry.part("check").check(path)


def main():
    paths = sys.argv[1:] or [DEFAULT]
    ok = [check(path) for path in paths]
    sys.exit(0 if all(ok) else 1)


if __name__ == "__main__":
    main()
