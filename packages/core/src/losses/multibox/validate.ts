import type { Feeds } from '../../backend/contract.js';
import { feed } from '../../backend/feed.js';
import { dimAt } from '../../ir/shape.js';
import { checkTruthRows, requireAxisSize, requireBoxRows, requireFinite } from '../input-checks.js';

/**
 * The MultiBoxLoss program's `checkInputs` (always run, even with `validate: false`): the graph needs at
 * least one image, one default box, one truth row (padding, when an image has none: argmax over zero
 * truths has no answer) and two classes (background and one object class). Zero-size tensors crash or
 * hang some runtimes (onnxruntime-node's GatherElements divides by B), so these are refused up front.
 * Reads shapes only.
 */
export function checkMultiboxInputs(feeds: Feeds): void {
  const loc = feed(feeds, 'loc_data').shape;
  requireAxisSize('loc_data', '[B,P,4]', loc, 0, 1, 'B', 'the batch is empty');
  requireAxisSize('loc_data', '[B,P,4]', loc, 1, 1, 'P', 'there are no default boxes');
  requireAxisSize(
    'conf_data',
    '[B,P,C]',
    feed(feeds, 'conf_data').shape,
    2,
    2,
    'C',
    'C counts the background class and at least one object class',
  );
  requireAxisSize(
    'targets',
    '[B,M,5]',
    feed(feeds, 'targets').shape,
    1,
    1,
    'M',
    'pad an image without truths with one zero row and num_objs 0 (packTargets does this)',
  );
}

/**
 * The MultiBoxLoss program's `validateInputs` (value scans, skipped by `validate: false`), after the
 * shape checks and `checkMultiboxInputs`: finite loc_data, conf_data and dbox_list, default boxes of
 * positive size, num_objs in [0, M], and real target rows that are finite, non-degenerate, with labels
 * in [0, C-2]. Rows past num_objs are padding and are not checked. Throws the first problem found as a
 * LossGraphError naming the tensor.
 */
export function validateMultiboxInputs(feeds: Feeds): void {
  requireFinite(feeds, ['loc_data', 'conf_data', 'dbox_list']);
  // default boxes need a positive width and height: encoding divides by them and takes the log of the ratio
  requireBoxRows(
    feed(feeds, 'dbox_list'),
    'dbox_list',
    (_cx, _cy, w, h) => w > 0 && h > 0,
    ([cx, cy, w, h]) =>
      `default box (cx ${cx}, cy ${cy}, w ${w}, h ${h}) needs w > 0 and h > 0 (encoding divides by them)`,
  );
  const C = dimAt(feed(feeds, 'conf_data').shape, 2);
  checkTruthRows(
    feed(feeds, 'targets'),
    feed(feeds, 'num_objs'),
    { max: C - 2, why: `C = ${C} classes, class 0 is background` },
    'encoding takes the log of its width and height',
  );
}
