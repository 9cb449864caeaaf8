"""Recompute a multibox fixture of the seed profile with the float64 reference (reference.py) and print how far
it is from its stored values (check_sample.py). Agreement required: losses within 1e-9 relative, gradients
within 1e-6, labels and num_pos exact, loc_t (where the label > 0) within 1e-6 relative. Loss tensors of shape
[1] are accepted as well as [] (the independent sample uses [1])."""

from ... import fixture
from . import compare
from .reference import multibox_loss


def check(path):
    """Print the differences for one file; True when it agrees."""
    tensors, metadata, options = fixture.read(path, scalar_shapes=((), (1,)))
    if fixture.loss_of(metadata) != ("multibox", "seed"):
        print(f"{path}: skipped (loss {fixture.loss_of(metadata)}: this reference is the seed's MultiBoxLoss)")
        return True
    result = multibox_loss(tensors["loc_data"], tensors["conf_data"], tensors["dbox_list"],
                           tensors["targets"], tensors["num_objs"], options)
    diff = compare.differences(tensors, result)
    bad = compare.failures(diff)
    shapes = {name: list(tensors[name].shape) for name in ("loss_l", "loss_c")}
    print(f"{path}")
    print(f"  generator: {metadata['generator']}")
    print(f"  options: {options}, loss shapes {shapes}")
    print(f"  loss_l: want {compare.scalar(tensors['loss_l']):.17g} got {result.loss_l:.17g} "
          f"|diff| {diff['loss_l']:.3g} (rel {diff['loss_l_rel']:.3g})")
    print(f"  loss_c: want {compare.scalar(tensors['loss_c']):.17g} got {result.loss_c:.17g} "
          f"|diff| {diff['loss_c']:.3g} (rel {diff['loss_c_rel']:.3g})")
    print(f"  grad_loc max |diff| {diff['grad_loc']:.3g}, grad_conf max |diff| {diff['grad_conf']:.3g}")
    print(f"  conf_t_label max |diff| {diff['conf_t_label']} ({diff['conf_t_label_mismatches']} mismatches), "
          f"num_pos max |diff| {diff['num_pos']} (num_pos {result.num_pos.tolist()})")
    print(f"  loc_t (label > 0) max |diff| {diff['loc_t']:.3g} (rel {diff['loc_t_rel']:.3g})")
    print(f"  {'AGREES' if not bad else 'DISAGREES: ' + ', '.join(bad)}")
    return not bad
