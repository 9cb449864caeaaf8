"""Fixture files (docs/FIXTURES.md): write, read and validate any loss's fixture.

A fixture names its loss in `__metadata__["loss"]` (losses.DEFAULT_LOSS when absent) and, for a loss with
profiles, its `profile` (the loss's first when absent); `validate` checks the tensors of that loss's schema
(its `fixtures` part, losses/__init__.py).
"""

import torch

from . import losses, safetensors_io


def loss_of(metadata):
    """(loss, profile) a fixture names; profile is None for losses without profiles."""
    loss = metadata.get("loss", losses.DEFAULT_LOSS)
    return loss, (losses.entry(loss).profile_of(metadata) if loss in losses.LOSSES else None)


def _schema(loss, source):
    """(tensor schema, required metadata keys) of a loss's fixtures."""
    known = [e.name for e in losses.with_part("fixtures") if hasattr(e.part("fixtures"), "SCHEMA")]
    if loss not in known:
        what = "no schema here for the loss" if loss in losses.LOSSES else "unknown loss"
        raise FixtureError(f"{source}: {what} {loss!r} (schemas: {', '.join(known)})")
    part = losses.entry(loss).part("fixtures")
    return part.SCHEMA, part.METADATA_KEYS


class FixtureError(ValueError):
    """A fixture file is missing a tensor or key, or has a wrong dtype or shape."""


def torch_version():
    """'major.minor' of the running torch, e.g. '1.13'."""
    return ".".join(torch.__version__.split(".")[:2])


def generator_text(extra=""):
    """The `generator` metadata value: 'lossgraph tools/reference (torch X.Y)' plus optional notes."""
    text = f"lossgraph tools/reference (torch {torch_version()})"
    return f"{text}; {extra}" if extra else text


def validate(tensors, metadata, source, scalar_shapes=((),)):
    """Check names, dtypes and shapes against the schema of the fixture's loss, with consistent sizes.

    `scalar_shapes` lists the shapes accepted for the loss terms (docs/FIXTURES.md says []).
    Raises FixtureError naming the file and the tensor.
    """
    loss, profile = loss_of(metadata)
    schema, metadata_keys = _schema(loss, source)
    if profile not in (None, *losses.entry(loss).profiles):
        raise FixtureError(f"{source}: unknown {loss} profile {profile!r}")
    sizes = {}
    for name, (kind, dims) in schema.items():
        if name not in tensors:
            raise FixtureError(f"{source}: tensor {name!r} is missing")
        array = tensors[name]
        got = safetensors_io.dtype_name(array)
        if got != kind:
            raise FixtureError(f"{source}: tensor {name!r} has dtype {got}, expected {kind}")
        if dims == ():
            if tuple(array.shape) not in [tuple(s) for s in scalar_shapes]:
                raise FixtureError(f"{source}: tensor {name!r} has shape {list(array.shape)}, expected []")
            continue
        if len(array.shape) != len(dims):
            raise FixtureError(f"{source}: tensor {name!r} has shape {list(array.shape)}, expected {list(dims)}")
        for dim, size in zip(dims, array.shape):
            want = sizes.setdefault(dim, size) if isinstance(dim, str) else dim
            if size != want:
                raise FixtureError(f"{source}: tensor {name!r} has shape {list(array.shape)}, "
                                   f"expected {list(dims)} with {sizes}")
    for key in metadata_keys:
        if key not in metadata:
            raise FixtureError(f"{source}: __metadata__ lacks {key!r}")
    if int(metadata["num_classes"]) != sizes["C"]:
        raise FixtureError(f"{source}: num_classes {metadata['num_classes']} but the logits have C={sizes['C']}")
    return sizes


def write(path, tensors, metadata):
    """Write a fixture; returns its size in bytes."""
    return safetensors_io.write(path, tensors, metadata)


def read(path, scalar_shapes=((),)):
    """Read and validate a fixture: (tensors, metadata, options); options is what the loss's `fixtures` part's
    `options_from_metadata` makes of the metadata, None for a loss without one."""
    tensors, metadata = safetensors_io.read(path)
    validate(tensors, metadata, str(path), scalar_shapes)
    options_from_metadata = getattr(losses.entry(loss_of(metadata)[0]).part("fixtures"), "options_from_metadata", None)
    return tensors, metadata, (options_from_metadata(metadata) if options_from_metadata else None)
