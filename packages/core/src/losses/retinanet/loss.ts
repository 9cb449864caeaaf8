import { type BoxCoderWeights, decodeBoxes, encodeBoxes } from '../../boxes/box-coder.js';
import { type Coords, centerForm, coords, jaccard, stackCoords } from '../../boxes/box-ops.js';
import { ciouLoss, diouLoss, giouLoss } from '../../boxes/iou-losses.js';
import { GraphBuilder, type Tensor } from '../../builder.js';
import type { Graph } from '../../ir/graph.js';
import { appendGradients } from '../../passes/autodiff.js';
import { focalSide } from '../focal.js';
import { NORMALIZER_OUTPUT } from '../normalization.js';
import { smoothL1 } from '../smooth-l1.js';
import { paddedTruths } from '../truth-table.js';
import { emitRetinanetDiagnostics } from './diagnostics.js';
import { type RetinanetBoxLoss, type RetinanetLossOptions, resolveRetinanetOptions } from './options.js';

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
function matchAnchors(
  b: GraphBuilder,
  targets: Tensor,
  numObjs: Tensor,
  anchors: Coords,
  fg: number,
  bg: number,
  lowQuality: boolean,
): Match {
  const { valid, table } = paddedTruths(b, targets, numObjs);
  const iou = jaccard(coords(table.slice(2, 0, 4)), anchors); // [B,M,A]
  const overlaps = b.where(valid.unsqueeze(2), iou, -1);
  const best = overlaps.max([1]); // [B,A]
  const bestTruth = overlaps.argMax(1); // [B,A]
  const thresholded = b.where(
    best.less(bg),
    b.scalar(BELOW_LOW_THRESHOLD, 'int32'),
    b.where(best.less(fg), b.scalar(BETWEEN_THRESHOLDS, 'int32'), bestTruth),
  );
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
function boxLossPerAnchor(kind: RetinanetBoxLoss, regression: Tensor, truths: Coords, anchors: Coords): Tensor {
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
 * `grad_bbox_regression`; `matched_idxs` and `num_foreground` on request; the per-anchor
 * RETINANET_DIAGNOSTICS (diagnostics.ts) with `diagnostics`; `normalizer` with
 * `normalize: 'none'` (then the two losses are sums over images, not means).
 */
export function retinanetLoss(options: RetinanetLossOptions = {}): Graph {
  const o = resolveRetinanetOptions(options);
  const b = new GraphBuilder();
  const inp = (name: keyof typeof RETINANET_INPUTS) =>
    b.input(name, RETINANET_INPUTS[name].dtype, RETINANET_INPUTS[name].shape);
  const logits = inp('cls_logits');
  const regression = inp('bbox_regression');
  const anchorBoxes = inp('anchors');
  const targets = inp('targets');
  const numObjs = inp('num_objs');

  const anchors = coords(anchorBoxes); // each [A]
  const { matched, rows } = matchAnchors(
    b,
    targets,
    numObjs,
    anchors,
    o.fgIouThresh,
    o.bgIouThresh,
    o.allowLowQualityMatches,
  );
  const foreground = matched.greaterEqual(0); // [B,A]
  const counted = matched.equal(BETWEEN_THRESHOLDS).not(); // [B,A]: every anchor but the ignored ones
  const numForeground = foreground.cast('int32').sum([1]); // [B]
  const perImage = numForeground.cast('float32').maximum(1); // [B]

  // classification: every logit as a negative over [B,A,C], then the matched truth's class of each
  // foreground anchor corrected on [B,A] (ignored anchors are dropped after summing over classes)
  const classes = b.range('C');
  const label = rows.slice(2, 4, 5).squeeze(2).cast('int32').maximum(0).minimum(classes.max()).unsqueeze(2); // [B,A,1]
  const atLabel = logits.gatherElements(label, 2).squeeze(2); // [B,A]
  // the [B,A,C] side unweighted: its weight w0 goes on the [B,A] sum and on the gradient's per-anchor scale
  const dense = focalSide(logits, 0, o.focalAlpha, o.focalGamma, o.gradients, { weighted: false });
  const w0 = dense.weight;
  const asNegative = focalSide(atLabel, 0, o.focalAlpha, o.focalGamma, false);
  const asPositive = focalSide(atLabel, 1, o.focalAlpha, o.focalGamma, o.gradients);
  const denseSum = dense.loss.sum([2]);
  const perAnchor = (w0 === 1 ? denseSum : denseSum.mul(w0)).add(
    b.where(foreground, asPositive.loss.sub(asNegative.loss), 0),
  ); // [B,A]
  const clsSum = b.where(counted, perAnchor, 0).sum([1]).div(perImage).sum();
  // boxes: background anchors see zero offsets, so that their (unused) loss and its gradient stay finite
  const safeRegression = b.where(foreground.unsqueeze(2), regression, 0);
  const boxPerAnchor = boxLossPerAnchor(o.boxLoss, safeRegression, coords(rows.slice(2, 0, 4)), anchors);
  const boxSum = b.where(foreground, boxPerAnchor, 0).sum([1]).div(perImage).sum();

  const images = b.range('B').max().add(1).cast('float32');
  // 'none': sums over images, and the normaliser to divide them by once they are all-reduced
  const perLoss = o.normalize === 'none' ? perImage : perImage.mul(images); // [B]
  b.output('loss_cls', o.normalize === 'none' ? clsSum : clsSum.div(images));
  b.output('loss_box', o.normalize === 'none' ? boxSum : boxSum.div(images));
  if (o.normalize === 'none') b.output(NORMALIZER_OUTPUT, images);
  if (o.outputs.includes('matched_idxs')) b.output('matched_idxs', matched);
  if (o.outputs.includes('num_foreground')) b.output('num_foreground', numForeground);
  if (o.diagnostics) {
    const parts = { matched, foreground, counted, focal: perAnchor, box: boxPerAnchor };
    emitRetinanetDiagnostics(b, parts, o.outputs);
  }
  if (o.gradients) {
    // d loss_cls / d logits in closed form (see focalSide): the negative side's derivative everywhere,
    // the positive side's at each foreground anchor's class, scaled per anchor (0 where ignored)
    // The dense gradient is unweighted: w0 joins the per-anchor scale, and the positive side's values are
    // divided by it before the scatter (with alpha = 1, w0 = 0: the dense side is zero, only positives remain)
    const scale = b.where(counted, b.scalar(1), 0).div(perLoss.unsqueeze(1)); // [B,A]
    const denseAtLabel = dense.grad!.gatherElements(label, 2).squeeze(2); // [B,A]
    const positive = w0 === 0 || w0 === 1 ? asPositive.grad! : asPositive.grad!.div(w0);
    const atLabelGrad = b.where(foreground, positive, w0 === 0 ? 0 : denseAtLabel);
    const base = w0 === 0 ? dense.grad!.mul(0) : dense.grad!;
    const grad = base
      .scatterElements(label, atLabelGrad.unsqueeze(2), 2)
      .mul((w0 === 0 || w0 === 1 ? scale : scale.mul(w0)).unsqueeze(2));
    b.output('grad_cls_logits', grad);
  }
  const graph = b.build();
  if (!o.gradients) return graph;
  return appendGradients(graph, { of: ['loss_box'], wrt: { bbox_regression: 'grad_bbox_regression' } });
}
