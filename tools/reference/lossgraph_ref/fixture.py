"""Fixture files (docs/FIXTURES.md): build a MultiBoxLoss fixture's tensors, write, read and validate any fixture.

A fixture names its loss in `__metadata__["loss"]` (`multibox` when absent) and, for multibox, its
`profile` (`seed` when absent); `validate` checks the tensors of that loss's schema.
"""

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

RETINANET_SCHEMA = {
    "cls_logits": ("F32", ("B", "A", "C")),
    "bbox_regression": ("F32", ("B", "A", 4)),
    "anchors": ("F32", ("A", 4)),
    "targets": ("F32", ("B", "M", 5)),
    "num_objs": ("I32", ("B",)),
    "loss_cls": ("F64", ()),
    "loss_box": ("F64", ()),
    "grad_cls_logits": ("F32", ("B", "A", "C")),
    "grad_bbox_regression": ("F32", ("B", "A", 4)),
    "matched_idxs": ("I64", ("B", "A")),
}

RETINANET_METADATA_KEYS = ("loss", "fg_iou_thresh", "bg_iou_thresh", "focal_alpha", "focal_gamma", "box_loss",
                           "num_classes", "generator")

# loss name -> (tensor schema, required metadata keys)
SCHEMAS = {"multibox": (SCHEMA, METADATA_KEYS), "retinanet": (RETINANET_SCHEMA, RETINANET_METADATA_KEYS)}


def loss_of(metadata):
    """(loss, profile) a fixture names; profile is None for losses without profiles."""
    loss = metadata.get("loss", "multibox")
    return loss, (metadata.get("profile", "seed") if loss == "multibox" else None)


class FixtureError(ValueError):
    """A fixture file is missing a tensor or key, or has a wrong dtype or shape."""


def torch_version():
    """'major.minor' of the running torch, e.g. '1.13'."""
    return ".".join(torch.__version__.split(".")[:2])


def generator_text(extra=""):
    """The `generator` metadata value: 'lossgraph tools/reference (torch X.Y)' plus optional notes."""
    text = f"lossgraph tools/reference (torch {torch_version()})"
    return f"{text}; {extra}" if extra else text


def options_metadata(options, num_classes, generator, profile=None):
    """The `__metadata__` dict of a multibox fixture (all values are strings); `profile` only when given."""
    profile_keys = {} if profile is None else {"loss": "multibox", "profile": profile}
    return {
        **profile_keys,
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
    """Check names, dtypes and shapes against the schema of the fixture's loss, with consistent sizes.

    `scalar_shapes` lists the shapes accepted for the loss terms (docs/FIXTURES.md says []).
    Raises FixtureError naming the file and the tensor.
    """
    loss, profile = loss_of(metadata)
    if loss not in SCHEMAS:
        raise FixtureError(f"{source}: unknown loss {loss!r} (known: {', '.join(SCHEMAS)})")
    if profile not in (None, "seed", "torchvision"):
        raise FixtureError(f"{source}: unknown multibox profile {profile!r}")
    schema, metadata_keys = SCHEMAS[loss]
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
    """Read and validate a fixture: (tensors, metadata, Options); Options is None unless it is multibox."""
    tensors, metadata = safetensors_io.read(path)
    validate(tensors, metadata, str(path), scalar_shapes)
    options = options_from_metadata(metadata) if loss_of(metadata)[0] == "multibox" else None
    return tensors, metadata, options
