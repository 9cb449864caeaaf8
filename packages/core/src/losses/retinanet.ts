import { GraphBuilder, type Tensor } from '../builder.js';
import type { Graph } from '../ir/graph.js';
import { appendGradients } from '../passes/autodiff.js';
import { centerForm, coords, jaccard, stackCoords } from '../boxes/box-ops.js';
import { decodeBoxes, encodeBoxes, type BoxCoderWeights } from '../boxes/box-coder.js';
import { ciouLoss, diouLoss, giouLoss } from '../boxes/iou-losses.js';
import { sigmoidFocalLoss } from './focal.js';
import { NORMALIZER_OUTPUT } from './normalization.js';
import { resolveRetinanetOptions, type RetinanetBoxLoss, type RetinanetLossOptions } from './retinanet-options.js';
import { smoothL1 } from './smooth-l1.js';
import { paddedTruths } from './truth-table.js';

/** Names and types of the RetinaNet loss inputs, over symbolic B (batch), A (anchors), C (classes), M (truth rows). */
export const RETINANET_INPUTS = {
  cls_logits: { dtype: 'float32', shape: ['B', 'A', 'C'] },
  bbox_regression: { dtype: 'float32', shape: ['B', 'A', 4] },
  anchors: { dtype: 'float32', shape: ['A', 4] },
  targets: { dtype: 'float32', shape: ['B', 'M', 5] },
  num_objs: { dtype: 'int32', shape: ['B'] },
} as const;

/** torchvision's Matcher codes for unmatched anchors. */
export const BELOW_LOW_THRESHOLD = -1;
export const BETWEEN_THRESHOLDS = -2;

/** RetinaNet's BoxCoder weights. */
const WEIGHTS: BoxCoderWeights = [1, 1, 1, 1];

interface Match {
  /** matched truth row per anchor, -1 below bg, -2 in [bg, fg): int32 [B,A] */
  readonly matched: Tensor;
  /** the matched truth row's (x1, y1, x2, y2, label), row 0 (or the unit box) where unmatched: [B,A,5] */
  readonly rows: Tensor;
}

/**
 * torchvision's Matcher(fg, bg, allow_low_quality_matches) on IoU(truths, anchors): each anchor takes
 * its best truth (ties: lowest truth index); below bg -> -1, in [bg, fg) -> -2; then, with low-quality
 * matches, every anchor whose IoU equals some truth's best IoU (ties included) gets back its own best
 * truth. Padding rows take part with IoU -1, so they never win; an image without truths is all -1.
 */
function matchAnchors(b: GraphBuilder, targets: Tensor, numObjs: Tensor, anchors: readonly Tensor[], fg: number, bg: number, lowQuality: boolean): Match {
  const { valid, table } = paddedTruths(b, targets, numObjs);
  const iou = jaccard(coords(table.slice(2, 0, 4)), anchors); // [B,M,A]
  const overlaps = b.where(valid.unsqueeze(2), iou, -1);
  const best = overlaps.max([1]); // [B,A]
  const bestTruth = overlaps.argMax(1); // [B,A]
  const thresholded = b.where(best.less(bg), b.scalar(BELOW_LOW_THRESHOLD, 'int32'), b.where(best.less(fg), b.scalar(BETWEEN_THRESHOLDS, 'int32'), bestTruth));
  let matched = thresholded;
  if (lowQuality) {
    const bestOfTruth = overlaps.max([2], true); // [B,M,1]
    const isBest = overlaps.equal(bestOfTruth).and(valid.unsqueeze(2)); // [B,M,A]
    const restored = isBest.cast('float32').max([1]).greater(0); // [B,A]
    matched = b.where(restored, bestTruth, thresholded);
  }
  const rows = table.gatherElements(matched.maximum(0).unsqueeze(2).expand(['B', 'A', 5]), 1);
  return { matched, rows };
}

/** Box loss per anchor [B,A] of the predictions against the matched truths, as torchvision's _box_loss. */
function boxLossPerAnchor(kind: RetinanetBoxLoss, regression: Tensor, truths: readonly Tensor[], anchors: readonly Tensor[]): Tensor {
  const reference = centerForm(anchors);
  if (kind === 'l1' || kind === 'smooth_l1') {
    const target = stackCoords(encodeBoxes(truths, reference, WEIGHTS)); // [B,A,4]
    const d = regression.sub(target);
    return (kind === 'l1' ? d.abs() : smoothL1(d)).sum([2]);
  }
  const decoded = decodeBoxes(coords(regression), reference, WEIGHTS);
  return (kind === 'giou' ? giouLoss : kind === 'diou' ? diouLoss : ciouLoss)(decoded, truths);
}

/**
 * torchvision's RetinaNet loss (RetinaNet.compute_loss and its head's) as one graph over symbolic B, A,
 * C, M. Per image: sigmoid focal loss over every anchor and class except the ignored anchors (-2), and
 * the box loss over foreground anchors, each divided by max(1, foreground anchors); then the mean over
 * images. Outputs `loss_cls`, `loss_box`; with `gradients` (default) `grad_cls_logits` and
 * `grad_bbox_regression`; `matched_idxs` and `num_foreground` on request; `normalizer` with
 * `normalize: 'none'` (then the two losses are sums over images, not means).
 */
export function retinanetLoss(options: RetinanetLossOptions = {}): Graph {
  const o = resolveRetinanetOptions(options);
  const b = new GraphBuilder();
  const inp = (name: keyof typeof RETINANET_INPUTS) => b.input(name, RETINANET_INPUTS[name].dtype, RETINANET_INPUTS[name].shape);
  const logits = inp('cls_logits');
  const regression = inp('bbox_regression');
  const anchorBoxes = inp('anchors');
  const targets = inp('targets');
  const numObjs = inp('num_objs');

  const anchors = coords(anchorBoxes); // each [A]
  const { matched, rows } = matchAnchors(b, targets, numObjs, anchors, o.fgIouThresh, o.bgIouThresh, o.allowLowQualityMatches);
  const foreground = matched.greaterEqual(0); // [B,A]
  const counted = matched.equal(BETWEEN_THRESHOLDS).not(); // [B,A]: every anchor but the ignored ones
  const numForeground = foreground.cast('int32').sum([1]); // [B]
  const perImage = numForeground.cast('float32').maximum(1); // [B]

  // classification target: the matched truth's class on foreground anchors, no class elsewhere
  const label = rows.slice(2, 4, 5).squeeze(2).cast('int32'); // [B,A]
  const positive = label.unsqueeze(2).equal(b.range('C')).and(foreground.unsqueeze(2)); // [B,A,C]
  const focal = sigmoidFocalLoss(logits, positive, o.focalAlpha, o.focalGamma);
  const clsSum = b.where(counted.unsqueeze(2), focal, 0).sum([2]).sum([1]).div(perImage).sum();

  // boxes: background anchors see zero offsets, so that their (unused) loss and its gradient stay finite
  const safeRegression = b.where(foreground.unsqueeze(2), regression, 0);
  const perAnchor = boxLossPerAnchor(o.boxLoss, safeRegression, coords(rows.slice(2, 0, 4)), anchors);
  const boxSum = b.where(foreground, perAnchor, 0).sum([1]).div(perImage).sum();

  if (o.normalize === 'none') {
    b.output('loss_cls', clsSum);
    b.output('loss_box', boxSum);
    b.output(NORMALIZER_OUTPUT, b.range('B').max().add(1).cast('float32'));
  } else {
    const images = b.range('B').max().add(1).cast('float32');
    b.output('loss_cls', clsSum.div(images));
    b.output('loss_box', boxSum.div(images));
  }
  if (o.outputs.includes('matched_idxs')) b.output('matched_idxs', matched);
  if (o.outputs.includes('num_foreground')) b.output('num_foreground', numForeground);
  const graph = b.build();
  if (!o.gradients) return graph;
  return appendGradients(graph, { of: ['loss_cls', 'loss_box'], wrt: { cls_logits: 'grad_cls_logits', bbox_regression: 'grad_bbox_regression' } });
}
