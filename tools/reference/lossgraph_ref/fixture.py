"""The MultiBoxLoss fixture file (FIXTURES.md): build its tensors, write it, read and validate it."""

import numpy as np
import torch

from . import safetensors_io
from .multibox import Options, multibox_loss

INPUTS = ("loc_data", "conf_data", "dbox_list", "targets", "num_objs")

# name -> (dtype, shape in the symbols B, P, C, M; () is a scalar)
SCHEMA = {
    "loc_data": ("F32", ("B", "P", 4)),
    "conf_data": ("F32", ("B", "P", "C")),
    "dbox_list": ("F32", ("P", 4)),
    "targets": ("F32", ("B", "M", 5)),
    "num_objs": ("I32", ("B",)),
    "loss_l": ("F64", ()),
    "loss_c": ("F64", ()),
    "grad_loc": ("F32", ("B", "P", 4)),
    "grad_conf": ("F32", ("B", "P", "C")),
    "conf_t_label": ("I64", ("B", "P")),
    "loc_t": ("F32", ("B", "P", 4)),
    "num_pos": ("I64", ("B",)),
}

METADATA_KEYS = ("jaccard_thresh", "neg_pos", "variance", "num_classes", "generator")


class FixtureError(ValueError):
    """A fixture file is missing a tensor or key, or has a wrong dtype or shape."""


def torch_version():
    """'major.minor' of the running torch, e.g. '1.13'."""
    return ".".join(torch.__version__.split(".")[:2])


def generator_text(extra=""):
    """The `generator` metadata value: 'lossgraph tools/reference (torch X.Y)' plus optional notes."""
    text = f"lossgraph tools/reference (torch {torch_version()})"
    return f"{text}; {extra}" if extra else text


def options_metadata(options, num_classes, generator):
    """The `__metadata__` dict of a fixture (all values are strings)."""
    return {
        "jaccard_thresh": repr(float(options.jaccard_thresh)),
        "neg_pos": str(int(options.neg_pos)),
        "variance": ",".join(repr(float(v)) for v in options.variances),
        "num_classes": str(int(num_classes)),
        "generator": generator,
    }


def options_from_metadata(metadata):
    """`Options` from a fixture's `__metadata__`."""
    return Options(
        jaccard_thresh=float(metadata["jaccard_thresh"]),
        neg_pos=int(metadata["neg_pos"]),
        variances=tuple(float(v) for v in metadata["variance"].split(",")),
    )


def expected_tensors(result):
    """The expected-value tensors of a fixture from a `multibox.Result`."""
    return {
        "loss_l": np.array(result.loss_l, dtype=np.float64),
        "loss_c": np.array(result.loss_c, dtype=np.float64),
        "grad_loc": result.grad_loc.numpy().astype(np.float32),
        "grad_conf": result.grad_conf.numpy().astype(np.float32),
        "conf_t_label": result.conf_t_label.numpy().astype(np.int64),
        "loc_t": result.loc_t.numpy().astype(np.float32),
        "num_pos": result.num_pos.numpy().astype(np.int64),
    }


def build(inputs, options, generator):
    """(tensors, metadata, result) of a fixture: the inputs plus the reference's expected values."""
    result = multibox_loss(inputs["loc_data"], inputs["conf_data"], inputs["dbox_list"],
                           inputs["targets"], inputs["num_objs"], options)
    tensors = {name: inputs[name] for name in INPUTS}
    tensors.update(expected_tensors(result))
    metadata = options_metadata(options, inputs["conf_data"].shape[2], generator)
    validate(tensors, metadata, "<new fixture>")
    return tensors, metadata, result


def validate(tensors, metadata, source, scalar_shapes=((),)):
    """Check names, dtypes and shapes against SCHEMA, with consistent B, P, C, M.

    `scalar_shapes` lists the shapes accepted for loss_l / loss_c (FIXTURES.md says []).
    Raises FixtureError naming the file and the tensor.
    """
    sizes = {}
    for name, (kind, dims) in SCHEMA.items():
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
    for key in METADATA_KEYS:
        if key not in metadata:
            raise FixtureError(f"{source}: __metadata__ lacks {key!r}")
    if int(metadata["num_classes"]) != sizes["C"]:
        raise FixtureError(f"{source}: num_classes {metadata['num_classes']} but conf_data has C={sizes['C']}")
    return sizes


def write(path, tensors, metadata):
    """Write a fixture; returns its size in bytes."""
    return safetensors_io.write(path, tensors, metadata)


def read(path, scalar_shapes=((),)):
    """Read and validate a fixture: (tensors, metadata, Options)."""
    tensors, metadata = safetensors_io.read(path)
    validate(tensors, metadata, str(path), scalar_shapes)
    return tensors, metadata, options_from_metadata(metadata)
