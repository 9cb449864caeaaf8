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
  // With gradients the assigner reads a detached decode, whose [B,A,4,R] intermediates die at once, and the
  // decode the box and DFL gradients flow through (its log-probabilities and probabilities kept for the
  // backward pass) is built after the assigner: the same ops on the same input, so the same values (a runtime
  // may well merge them). Without, one decode serves both, and the losses keep their gradient path for a
  // caller that differentiates the graph itself (a training step).
  const forAssigner = o.gradients ? decode(bins.stopGradient()) : undefined;
  const decoded = forAssigner ?? decode(bins);
  const assigned = assignTargets(b, {
    logits: logits.stopGradient(),
    boxes: mapCoords(decoded, (c) => c.stopGradient().mul(strides)),
    centres: [px.mul(strides), py.mul(strides)],
    targets,
    numObjs,
    topk: o.topk,
    alpha: o.alpha,
    beta: o.beta,
  });
  const { foreground, score, label, labelLogit } = assigned;
  const total = score.sum().maximum(1); // S, the sum of the soft targets (one nonzero class per anchor)

  const images = b.range('B').max().add(1).cast('float32');
  // BCE with logits and soft targets, summed: softplus(z) - z t with softplus(z) = max(z, 0) + log(1 + e^-|z|).
  // The soft target t is score at the anchor's label and 0 elsewhere, so its term is summed over [B,A] from
  // the label's logit: no dense [B,A,C] target is made (the [B,A,C] tensors dominate the memory), and the
  // two parts of softplus are summed apart (one [B,A,C] temporary fewer). With gradients this part is built
  // after the backward pass (see the end), so that its [B,A,C] tensors and the [B,A,4,R] ones the backward
  // pass keeps are never alive together; `k` is the builder it goes into and `t` maps a value into it.
  const classification = (k: GraphBuilder, t: (x: Tensor) => Tensor) => {
    const z = t(logits);
    const tail = softplusTail(z); // [B,A,C], shared with the gradient below
    // Without gradients a caller may differentiate the graph itself (a training step): then the positive part
    // is (|z| + z) / 2, the same values as max(z, 0) with the derivative 1/2 at 0 (sigmoid's), and the label's
    // logit is taken from the scores themselves, not from the assigner's detached copy.
    const positivePart = o.gradients ? z.maximum(0) : z.abs().add(z).mul(0.5);
    const zLabel = o.gradients ? t(labelLogit) : z.gatherElements(t(label).unsqueeze(2), 2).squeeze(2); // [B,A]
    const softplusSum = positivePart.sum().add(tail.sum());
    const clsSum = softplusSum.sub(zLabel.mul(t(score)).sum()).div(t(total));
    k.output('loss_cls', clsSum.mul(t(images)).mul(o.clsGain));
    if (!o.gradients) return;
    // d loss_cls / d logits in closed form: (sigmoid(z) - t) · B · clsGain / S, that is sigmoid(z) · scale off
    // the label and (sigmoid(z_label) - score) · scale at it, written there by a scatter
    const scale = t(images).mul(o.clsGain).div(t(total));
    const atLabel = sigmoidPower(t(labelLogit), 1).sub(t(score)).mul(scale).unsqueeze(2); // [B,A,1]
    const offLabel = sigmoidPower(z, 1, tail).mul(scale);
    k.output('grad_pred_scores', offLabel.scatterElements(t(label).unsqueeze(2), atLabel, 2));
  };

  const predicted = forAssigner === undefined ? decoded : decode(bins);
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
  b.output('loss_dfl', dflSum.mul(images).mul(o.dflGain));
  if (o.outputs.includes('fg_mask')) b.output('fg_mask', foreground.cast('int32'));
  if (o.outputs.includes('target_gt_idx')) b.output('target_gt_idx', assigned.truthIndex);
  if (o.diagnostics) {
    const { candidate, align, truthIndex } = assigned;
    const softTargets = label.oneHot('C').mul(score.unsqueeze(2)); // [B,A,C]
    emitYolov8Diagnostics(b, { candidate, align, foreground, truthIndex, softTargets }, o.outputs);
  }
  if (!o.gradients) {
    classification(b, (x) => x);
    return inOutputOrder(b.build());
  }
  const k = GraphBuilder.extend(
    appendGradients(b.build(), { of: ['loss_box', 'loss_dfl'], wrt: { pred_distri: 'grad_pred_distri' } }),
  );
  classification(k, (x) => k.tensor(x.id));
  return inOutputOrder(reemittedLast(k, ['loss_box', 'loss_dfl', 'grad_pred_distri']));
}

/**
 * `k`'s graph with outputs `names` re-emitted through a reshape to their own shape as its last nodes (a reshape
 * copies nothing). onnxruntime-node (1.30) runs a graph in a depth-first order from its outputs, the latest
 * built first: this makes it run the backward pass and the box and DFL terms before the classification part,
 * as backends that run the nodes in the order built do, the order in which the [B,A,4,R] tensors that the
 * backward pass keeps are gone before the [B,A,C] ones come.
 */
function reemittedLast(k: GraphBuilder, names: readonly string[]): Graph {
  const before = k.build();
  const reemitted = new Map<string, number>();
  for (const { name, value } of before.outputs) {
    if (!names.includes(name)) continue;
    const t = k.tensor(value);
    reemitted.set(name, t.reshape(t.shape).id);
  }
  const graph = k.build();
  return { ...graph, outputs: graph.outputs.map(({ name, value }) => ({ name, value: reemitted.get(name) ?? value })) };
}

/** The outputs in their documented order: the three terms, the extra outputs and diagnostics, the gradients. */
function inOutputOrder(graph: Graph): Graph {
  const rank = (name: string) => {
    const term = LOSS_TERMS.indexOf(name);
    return term >= 0 ? term - LOSS_TERMS.length : GRADIENTS.indexOf(name) + 1;
  };
  // a stable sort: the extra outputs and diagnostics (rank 0) keep their order
  return { ...graph, outputs: [...graph.outputs].sort((a, b) => rank(a.name) - rank(b.name)) };
}
const LOSS_TERMS = ['loss_box', 'loss_cls', 'loss_dfl'];
const GRADIENTS = ['grad_pred_scores', 'grad_pred_distri'];
