import type { Feeds, HostTensor } from '../../backend/contract.js';
import { feed } from '../../backend/feed.js';
import { fail } from '../../errors.js';
import { dimAt } from '../../ir/shape.js';
import { checkTruthRows, requireAxisSize, requireFinite } from '../input-checks.js';

/**
 * The YOLOv8 program's `checkInputs` for `topk` candidates per truth: structural checks the graph needs
 * whatever the values (they run even with `validate: false`): at least one image, one class and one
 * truth row (padding, when an image has none), and at least `topk` anchors (each truth takes its `topk`
 * best). The generic shape check already ties pred_distri's channels to 4 · regMax and stride_tensor's
 * rows to the anchors' count.
 */
export function yolov8InputChecks(topk: number): (feeds: Feeds) => void {
  return (feeds) => {
    const scores = feed(feeds, 'pred_scores').shape;
    requireAxisSize('pred_scores', '[B,A,C]', scores, 0, 1, 'B', 'the batch is empty');
    requireAxisSize('pred_scores', '[B,A,C]', scores, 1, topk, 'A', `each truth takes its topk = ${topk} best anchors`);
    requireAxisSize('pred_scores', '[B,A,C]', scores, 2, 1, 'C', 'there are no classes');
    requireAxisSize(
      'targets',
      '[B,M,5]',
      feed(feeds, 'targets').shape,
      1,
      1,
      'M',
      'pad an image without truths with one zero row and num_objs 0 (packTargets does this)',
    );
  };
}

/**
 * The image size the anchors describe, as Ultralytics takes it from the first (finest) level: the far
 * edge (centre + 0.5 cells, times the stride) of the anchors with the smallest stride, per axis.
 */
export function anchorImageSize(points: HostTensor, strides: HostTensor): { width: number; height: number } {
  const A = dimAt(strides.shape, 0);
  let finest = Number.POSITIVE_INFINITY;
  for (let a = 0; a < A; a++) finest = Math.min(finest, strides.data[a] ?? Number.NaN);
  let width = 0;
  let height = 0;
  for (let a = 0; a < A; a++) {
    if (strides.data[a] !== finest) continue;
    const x = points.data[2 * a] ?? Number.NaN;
    const y = points.data[2 * a + 1] ?? Number.NaN;
    width = Math.max(width, (x + 0.5) * finest);
    height = Math.max(height, (y + 0.5) * finest);
  }
  return { width, height };
}

/**
 * Value checks of YOLOv8 loss inputs, after the generic shape and dtype checks: finite predictions,
 * anchor points and strides; strides > 0 and anchor points >= 0; num_objs in [0, M]; real target rows
 * that are finite, non-degenerate, inside the image the anchors cover ([0, W] x [0, H]) and labelled in
 * [0, C-1]. A real row inside the image then has a positive coordinate sum, so Ultralytics (which tells
 * padding by a zero sum) and num_objs agree on which rows are real. Rows past num_objs are padding and
 * are not checked. Throws the first problem as a LossGraphError naming the tensor, image and row.
 */
export function validateYolov8Inputs(feeds: Feeds): void {
  requireFinite(feeds, ['pred_distri', 'pred_scores', 'anchor_points', 'stride_tensor']);
  const strides = feed(feeds, 'stride_tensor');
  const points = feed(feeds, 'anchor_points');
  const A = dimAt(strides.shape, 0);
  // indexed reads, no per-row arrays: this runs on every anchor before every run
  for (let a = 0; a < A; a++) {
    const s = strides.data[a] ?? Number.NaN;
    if (!(s > 0)) {
      fail('DEGENERATE_BOX', `'stride_tensor' row ${a}: stride ${s}, expected a positive stride in pixels`, {
        tensor: 'stride_tensor',
        row: a,
      });
    }
    const x = points.data[2 * a] ?? Number.NaN;
    const y = points.data[2 * a + 1] ?? Number.NaN;
    if (!(x >= 0 && y >= 0)) {
      fail('DEGENERATE_BOX', `'anchor_points' row ${a}: (${x}, ${y}), expected a centre in grid units (>= 0)`, {
        tensor: 'anchor_points',
        row: a,
      });
    }
  }
  const C = dimAt(feed(feeds, 'pred_scores').shape, 2);
  const targets = feed(feeds, 'targets');
  const numObjs = feed(feeds, 'num_objs');
  checkTruthRows(
    targets,
    numObjs,
    { max: C - 1, why: `C = ${C} classes, no background class` },
    'CIoU divides by its height',
  );
  const { width, height } = anchorImageSize(points, strides);
  const [B, M] = targets.shape as [number, number, number];
  for (const [b, count] of numObjs.data.subarray(0, B).entries()) {
    for (let r = 0; r < count; r++) {
      const at = (b * M + r) * 5;
      const [x1, y1, x2, y2] = Array.from(targets.data.subarray(at, at + 4)) as [number, number, number, number];
      if (!(x1 >= 0 && y1 >= 0 && x2 <= width && y2 <= height)) {
        fail(
          'BOX_OUTSIDE_IMAGE',
          `'targets' image ${b} row ${r}: box (${x1}, ${y1}, ${x2}, ${y2}) leaves the ${width}x${height} image the anchors cover (pixels)`,
          { tensor: 'targets', image: b, row: r },
        );
      }
    }
  }
}
