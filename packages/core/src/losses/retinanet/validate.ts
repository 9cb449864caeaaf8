import type { Feeds } from '../../backend/contract.js';
import { feed } from '../../backend/feed.js';
import { dimAt } from '../../ir/shape.js';
import { checkTruthRows, requireAxisSize, requireBoxRows, requireFinite } from '../input-checks.js';

/**
 * The RetinaNet program's `checkInputs`: structural checks the graph needs whatever the values (they
 * run even with `validate: false`): at least one image, one anchor, one
 * class and one truth row (padding, when an image has none: argmax over zero truths has no answer).
 * Backends differ on zero-size tensors, so these are rejected up front.
 */
export function checkRetinanetInputs(feeds: Feeds): void {
  const logits = feed(feeds, 'cls_logits').shape;
  requireAxisSize('cls_logits', '[B,A,C]', logits, 0, 1, 'B', 'the batch is empty');
  requireAxisSize('cls_logits', '[B,A,C]', logits, 1, 1, 'A', 'there are no anchors');
  requireAxisSize('cls_logits', '[B,A,C]', logits, 2, 1, 'C', 'there are no classes');
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
 * Value checks of RetinaNet loss inputs, after the generic shape/dtype checks: finite cls_logits,
 * bbox_regression and anchors, anchors of positive size, num_objs in [0, M], and real target rows that
 * are finite, non-degenerate, with labels in [0, C-1]. Rows past num_objs are padding and are not
 * checked. Throws the first problem found as a LossGraphError naming the tensor, image and row.
 */
export function validateRetinanetInputs(feeds: Feeds): void {
  requireFinite(feeds, ['cls_logits', 'bbox_regression', 'anchors']);
  // anchors need a positive width and height: the box coder divides by them and takes the log of ratios
  requireBoxRows(
    feed(feeds, 'anchors'),
    'anchors',
    (x1, y1, x2, y2) => x2 > x1 && y2 > y1,
    ([x1, y1, x2, y2]) =>
      `anchor (${x1}, ${y1}, ${x2}, ${y2}) needs xmax > xmin and ymax > ymin (the box coder divides by its width and height)`,
  );
  const C = dimAt(feed(feeds, 'cls_logits').shape, 2);
  checkTruthRows(
    feed(feeds, 'targets'),
    feed(feeds, 'num_objs'),
    { max: C - 1, why: `C = ${C} classes, no background class` },
    'the box loss divides by its width and height',
  );
}
