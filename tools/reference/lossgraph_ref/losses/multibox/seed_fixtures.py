"""Multibox fixtures of the seed profile (docs/FIXTURES.md): their schema, and the tensors and metadata of one
from the float64 reference (reference.py); also the options a multibox fixture's metadata names."""

import numpy as np

from ... import fixture
from .reference import Options, multibox_loss

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
    fixture.validate(tensors, metadata, "<new fixture>")
    return tensors, metadata, result
