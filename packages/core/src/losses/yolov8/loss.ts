import { type Coords, coords, stackCoords } from '../../boxes/box-ops.js';
import { GraphBuilder, type Tensor } from '../../builder.js';
import type { Graph } from '../../ir/graph.js';
import type { Dim, DType } from '../../ir/types.js';
import { appendGradients } from '../../passes/autodiff.js';
import { assignTargets } from './assigner.js';
import { ultralyticsCiou } from './ciou.js';
import { emitYolov8Diagnostics } from './diagnostics.js';
import { resolveYolov8Options, type Yolov8LossOptions } from './options.js';
import { sigmoidPower, softplusTail } from './powers.js';

/** Names and types of the YOLOv8 loss inputs over symbolic B, A, C, M, for `regMax` bins per side. */
export function yolov8Inputs(regMax = 16) {
  return {
    pred_distri: { dtype: 'float32', shape: ['B', 'A', 4 * regMax] },
    pred_scores: { dtype: 'float32', shape: ['B', 'A', 'C'] },
    anchor_points: { dtype: 'float32', shape: ['A', 2] },
    stride_tensor: { dtype: 'float32', shape: ['A', 1] },
    targets: { dtype: 'float32', shape: ['B', 'M', 5] },
    num_objs: { dtype: 'int32', shape: ['B'] },
  } as const satisfies Record<string, { dtype: DType; shape: readonly Dim[] }>;
}

/** The YOLOv8 loss inputs at the default regMax (16). */
export const YOLOV8_INPUTS = yolov8Inputs();

/** DFL's targets stay below regMax - 1 by this margin, so that the upper bin exists (Ultralytics' 0.01). */
const DFL_MARGIN = 0.01;

/** Applies `f` to each of four coordinates. */
function mapCoords([x1, y1, x2, y2]: Coords, f: (c: Tensor, i: number) => Tensor): Coords {
  return [f(x1, 0), f(y1, 1), f(x2, 2), f(y2, 3)];
}

/** The unit box, standing in for every box of a non-positive anchor so that no masked branch meets 0/0. */
const UNIT_BOX = [0, 0, 1, 1] as const;

/**
 * Ultralytics' YOLOv8 / YOLO11 detection loss (v8DetectionLoss of the 8.3 releases, with BboxLoss and
 * DFL) as one graph over symbolic B, A, C, M. The task-aligned assigner (see assigner.ts) runs on the
 * detached predictions in pixels; the losses run in grid units. With S = max(1, sum of the soft targets
 * over the whole batch):
 * - loss_cls = B · clsGain · sum over every anchor and class of BCEWithLogits(pred_scores, soft target) / S;
 * - loss_box = B · boxGain · sum over positives of score · (1 - CIoU(predicted, truth / stride)) / S;
 * - loss_dfl = B · dflGain · sum over positives of score · DFL / S, DFL the mean over the four sides of
 *   the cross entropy with the two bins around the truth's distance (clamped to [0, regMax - 1.01]),
 *   weighted linearly.
 * The three are Ultralytics' `loss * batch_size`, whose sum its trainer differentiates. With `gradients`
 * (default) `grad_pred_distri` and `grad_pred_scores`, d(loss_box + loss_cls + loss_dfl)/d inputs;
 * `fg_mask` and `target_gt_idx` (int32 [B,A]) on request; the YOLOV8_DIAGNOSTICS (diagnostics.ts) with
 * `diagnostics`.
 */
export function yolov8Loss(options: Yolov8LossOptions = {}): Graph {
  const o = resolveYolov8Options(options);
  const R = o.regMax;
  const b = new GraphBuilder();
  const spec = yolov8Inputs(R);
  const inp = (name: keyof typeof spec) => b.input(name, spec[name].dtype, spec[name].shape);
  const distri = inp('pred_distri');
  const logits = inp('pred_scores');
  const points = inp('anchor_points');
  const strides = inp('stride_tensor').squeeze(1); // [A]
  const targets = inp('targets');
  const numObjs = inp('num_objs');

  const px = points.slice(1, 0, 1).squeeze(1); // [A]
  const py = points.slice(1, 1, 2).squeeze(1);
  // decode: each side's distance is the expectation of its softmax over the R bins (grid units)
  const bins = distri.reshape(['B', 'A', 4, R]);
  const binValues = b.constant(
    Array.from({ length: R }, (_, i) => i),
    'float32',
    [R],
  );
  const decode = (x: Tensor): Coords => {
    const [dl, dt, dr, db] = coords(x.logSoftmax(3).exp().mul(binValues).sum([3])); // each [B,A]
    return [px.sub(dl), py.sub(dt), px.add(dr), py.add(db)];
  };

  // The graph is built in the order that keeps the fewest large tensors alive at once where a backend runs
  // it in that order: the assigner reads a detached decode, whose [B,A,4,R] intermediates die at once; the
  // [B,A,C] classification terms follow; the decode that the box and DFL gradients flow through (its
  // log-probabilities and probabilities kept for the backward pass) comes after them. Both decodes are the
  // same ops on the same input, so the same values (a runtime may well merge them); without gradients the
  // first serves both.
  const detached = decode(bins.stopGradient());
  const assigned = assignTargets(b, {
    logits: logits.stopGradient(),
    boxes: mapCoords(detached, (c) => c.mul(strides)),
    centres: [px.mul(strides), py.mul(strides)],
    targets,
    numObjs,
    topk: o.topk,
    alpha: o.alpha,
    beta: o.beta,
  });
  const { foreground, score, label, labelLogit } = assigned;
  const total = score.sum().maximum(1); // S, the sum of the soft targets (one nonzero class per anchor)

  // BCE with logits and soft targets, summed: softplus(z) - z t with softplus(z) = max(z, 0) + log(1 + e^-|z|).
  // The soft target t is score at the anchor's label and 0 elsewhere, so its term is summed over [B,A] from
  // the label's logit: no dense [B,A,C] target is made (the [B,A,C] tensors dominate the memory), and the
  // two parts of softplus are summed apart (one [B,A,C] temporary fewer).
  const tail = softplusTail(logits); // [B,A,C], shared with the gradient below
  const softplusSum = logits.maximum(0).sum().add(tail.sum());
  const clsSum = softplusSum.sub(labelLogit.mul(score).sum()).div(total);
  const images = b.range('B').max().add(1).cast('float32');
  // d loss_cls / d logits in closed form: (sigmoid(z) - t) · B · clsGain / S, that is sigmoid(z) · scale off
  // the label and (sigmoid(z_label) - score) · scale at it, written there by a scatter
  const clsGradient = () => {
    const scale = images.mul(o.clsGain).div(total);
    const atLabel = sigmoidPower(labelLogit, 1).sub(score).mul(scale).unsqueeze(2); // [B,A,1]
    const offLabel = sigmoidPower(logits, 1, tail).mul(scale);
    return offLabel.scatterElements(label.unsqueeze(2), atLabel, 2);
  };
  const gradScores = o.gradients ? clsGradient() : undefined;

  const predicted = o.gradients ? decode(bins) : detached;

  // box and DFL terms in grid units; a non-positive anchor sees the unit box on both sides
  const truth = mapCoords(assigned.box, (c) => c.div(strides));
  const safe = (c: Coords) => mapCoords(c, (t, i) => b.where(foreground, t, UNIT_BOX[i] ?? 0));
  const ciou = ultralyticsCiou(safe(predicted), safe(truth));
  const boxSum = b
    .where(foreground, score.mul(ciou.neg().add(1)), 0)
    .sum()
    .div(total);

  const [gx1, gy1, gx2, gy2] = safe(truth);
  const distances = stackCoords([px.sub(gx1), py.sub(gy1), gx2.sub(px), gy2.sub(py)])
    .maximum(0)
    .minimum(R - 1 - DFL_MARGIN); // [B,A,4]
  const lower = distances.cast('int32'); // floor, the distances being >= 0
  const lowerWeight = lower.cast('float32').add(1).sub(distances);
  const dfl = bins
    .softmaxCrossEntropy(lower)
    .mul(lowerWeight)
    .add(bins.softmaxCrossEntropy(lower.add(1)).mul(lowerWeight.neg().add(1)))
    .sum([2])
    .mul(0.25); // [B,A]
  const dflSum = b.where(foreground, score.mul(dfl), 0).sum().div(total);

  b.output('loss_box', boxSum.mul(images).mul(o.boxGain));
  b.output('loss_cls', clsSum.mul(images).mul(o.clsGain));
  b.output('loss_dfl', dflSum.mul(images).mul(o.dflGain));
  if (o.outputs.includes('fg_mask')) b.output('fg_mask', foreground.cast('int32'));
  if (o.outputs.includes('target_gt_idx')) b.output('target_gt_idx', assigned.truthIndex);
  if (o.diagnostics) {
    const { candidate, align, truthIndex } = assigned;
    const softTargets = label.oneHot('C').mul(score.unsqueeze(2)); // [B,A,C]
    emitYolov8Diagnostics(b, { candidate, align, foreground, truthIndex, softTargets }, o.outputs);
  }
  if (gradScores !== undefined) b.output('grad_pred_scores', gradScores);
  const graph = b.build();
  if (!o.gradients) return graph;
  return appendGradients(graph, { of: ['loss_box', 'loss_dfl'], wrt: { pred_distri: 'grad_pred_distri' } });
}
