"""Random inputs for fixtures: priors, truth boxes, padded targets and predictions (numpy, float32)."""

import numpy as np


def random_priors(rng, count, min_size=0.05, max_size=0.6):
    """[count, 4] float32 default boxes (cx, cy, w, h): centres in [0, 1], sizes in [min, max]."""
    centres = rng.uniform(0.0, 1.0, (count, 2))
    sizes = rng.uniform(min_size, max_size, (count, 2))
    return np.concatenate([centres, sizes], 1).astype(np.float32)


def boxes_from_corners(x0, y0, x1, y1):
    """[n, 4] float32 point-form boxes, clipped to [0, 1]; asserts they are valid after rounding."""
    boxes = np.clip(np.stack([x0, y0, x1, y1], 1), 0.0, 1.0).astype(np.float32)
    assert (boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all(), boxes
    return boxes


def random_boxes(rng, count, min_size=0.05, max_size=0.6):
    """[count, 4] float32 valid point-form boxes inside [0, 1] with sides in [min, max]."""
    w = rng.uniform(min_size, max_size, count)
    h = rng.uniform(min_size, max_size, count)
    x0 = rng.uniform(0.0, 1.0 - w)
    y0 = rng.uniform(0.0, 1.0 - h)
    return boxes_from_corners(x0, y0, x0 + w, y0 + h)


def boxes_around(rng, centres, min_size, max_size):
    """Boxes of random size in [min, max] centred at `centres` [n, 2], shifted to lie inside [0, 1]."""
    count = centres.shape[0]
    w = rng.uniform(min_size, max_size, count)
    h = rng.uniform(min_size, max_size, count)
    x0 = np.clip(centres[:, 0] - w / 2, 0.0, 1.0 - w)
    y0 = np.clip(centres[:, 1] - h / 2, 0.0, 1.0 - h)
    return boxes_from_corners(x0, y0, x0 + w, y0 + h)


def random_labels(rng, count, num_classes):
    """[count] labels in [0, num_classes - 2] (class 0 of the logits is background)."""
    return rng.integers(0, num_classes - 1, count)


def objects(boxes, labels):
    """[n, 5] float32 target rows (xmin, ymin, xmax, ymax, label_ind)."""
    return np.concatenate([boxes, np.asarray(labels, dtype=np.float32)[:, None]], 1).astype(np.float32)


def pad(rows_per_image, max_objects):
    """Stack per-image target rows into ([B, M, 5] float32 zero-padded, [B] int32 num_objs)."""
    B = len(rows_per_image)
    targets = np.zeros((B, max_objects, 5), dtype=np.float32)
    num_objs = np.zeros(B, dtype=np.int32)
    for b, rows in enumerate(rows_per_image):
        n = 0 if rows is None else rows.shape[0]
        assert n <= max_objects
        if n:
            targets[b, :n] = rows
        num_objs[b] = n
    return targets, num_objs


def predictions(rng, batch, priors, num_classes, conf_scale=2.0):
    """(loc_data [B, P, 4] ~ N(0, 1), conf_data [B, P, C] ~ N(0, conf_scale^2)), float32."""
    loc = rng.standard_normal((batch, priors, 4))
    conf = rng.standard_normal((batch, priors, num_classes)) * conf_scale
    return loc.astype(np.float32), conf.astype(np.float32)


def inputs(rng, dbox_list, rows_per_image, max_objects, num_classes, conf_scale=2.0):
    """A complete input dict (docs/FIXTURES.md names) with random predictions."""
    targets, num_objs = pad(rows_per_image, max_objects)
    loc, conf = predictions(rng, len(rows_per_image), dbox_list.shape[0], num_classes, conf_scale)
    return {"loc_data": loc, "conf_data": conf, "dbox_list": np.asarray(dbox_list, dtype=np.float32),
            "targets": targets, "num_objs": num_objs}
