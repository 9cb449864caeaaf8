import { coords, jaccard, pointForm } from '../../boxes/box-ops.js';
import { GraphBuilder, type Tensor } from '../../builder.js';
import { first } from '../../ir/at.js';
import type { Graph } from '../../ir/graph.js';
import { dimAt } from '../../ir/shape.js';
import { appendGradients } from '../../passes/autodiff.js';
import { NORMALIZER_OUTPUT } from '../normalization.js';
import { emitMultiboxDiagnostics } from './diagnostics.js';
import { type MultiboxLossOptions, resolveMultiboxOptions } from './options.js';
import { MULTIBOX_PROFILE_RULES } from './profile.js';

/** Names and types of the MultiBoxLoss graph inputs, over symbolic B (batch), P (boxes), C (classes), M (truth rows). */
export const MULTIBOX_INPUTS = {
  loc_data: { dtype: 'float32', shape: ['B', 'P', 4] },
  conf_data: { dtype: 'float32', shape: ['B', 'P', 'C'] },
  dbox_list: { dtype: 'float32', shape: ['P', 4] },
  targets: { dtype: 'float32', shape: ['B', 'M', 5] },
  num_objs: { dtype: 'int32', shape: ['B'] },
} as const;

interface Match {
  /** truth rows, padding replaced by a box that overlaps no default box: float32 [B,M,5] */
  readonly table: Tensor;
  /** the truth each default box is matched to: int32 [B,P] */
  readonly truthIdx: Tensor;
  /** class per default box, 0 = background: int32 [B,P] */
  readonly label: Tensor;
  /** the box is some real truth's best box: bool [B,P] */
  readonly forced: Tensor;
}

/**
 * A truth row that overlaps no default box: a unit square beyond every box's right and bottom edge.
 * Its IoU with every prior is exactly 0, which ranks it below every real truth in the argmax over
 * truths (ties pick the lowest index, and real rows come first), so no mask over [B,M,P] is needed.
 */
function paddingRow(b: GraphBuilder, dbox: Tensor): Tensor {
  const [cx, cy, w, h] = coords(dbox);
  const far = cx.add(w).max().maximum(cy.add(h).max()).add(1);
  return b.concat(
    [far, far, far.add(1), far.add(1), b.scalar(0)].map((t) => t.unsqueeze(0)),
    0,
  ); // [5]
}

/**
 * Steps 1-4 of the original: IoU, best matches both ways, forced matching, thresholded labels.
 * Forced matching scatters each real truth's index onto its best prior with a max reduction, so the
 * highest truth index wins a prior that several truths share (the original's loop order).
 */
function matchTruths(b: GraphBuilder, targets: Tensor, numObjs: Tensor, dbox: Tensor, thresh: number): Match {
  const truthRows = b.range('M');
  const valid = truthRows.less(numObjs.unsqueeze(1)); // [B,M]: real rows
  const table = b.where(valid.unsqueeze(2), targets, paddingRow(b, dbox)); // [B,M,5]
  const overlaps = jaccard(coords(table.slice(2, 0, 4)), pointForm(coords(dbox))); // [B,M,P]

  const bestPrior = overlaps.argMax(2); // [B,M], ties: lowest prior index
  const bestTruth = overlaps.argMax(1); // [B,P], ties: lowest truth index
  const bestTruthOverlap = overlaps.max([1]); // [B,P]

  const claims = b.where(valid, truthRows, b.scalar(-1, 'int32')); // [B,M]: padding claims nothing
  const claimant = b.scalar(-1, 'int32').expand(['B', 'P']).scatterElements(bestPrior, claims, 1, 'max'); // [B,P]
  const forced = claimant.greaterEqual(0);
  const truthIdx = b.where(forced, claimant, bestTruth);
  // a forced match has overlap 2 in the original, never below the threshold
  const positive = forced.or(bestTruthOverlap.less(thresh).not());
  const classOf = table.slice(2, 4, 5).squeeze(2).add(1).cast('int32'); // [B,M]
  const label = b.where(positive, classOf.gatherElements(truthIdx, 1), b.scalar(0, 'int32'));
  return { table, truthIdx, label, forced };
}

/**
 * Step 5, SSD's box encoding split into a per-truth and a per-prior half: the encoded offsets of a box
 * matched to truth t are (truth[t] - origin) * scale, with truth = (centre x, centre y, log w / v1,
 * log h / v1) of each truth ([B,M,4]), origin = (cx, cy, log w / v1, log h / v1) and scale =
 * (1 / (v0 w), 1 / (v0 h), 1, 1) of each prior ([P,4]).
 */
interface Encoding {
  readonly truth: Tensor;
  readonly origin: Tensor;
  readonly scale: Tensor;
}

function encodingParts(b: GraphBuilder, table: Tensor, dbox: Tensor, variances: readonly [number, number]): Encoding {
  const [v0, v1] = variances;
  const [x1, y1, x2, y2] = coords(table.slice(2, 0, 4)); // each [B,M]
  const [cx, cy, w, h] = coords(dbox); // each [P]
  const column = (parts: Tensor[]) =>
    b.concat(
      parts.map((t) => t.unsqueeze(t.rank)),
      first(parts).rank,
    );
  const one = b.scalar(1).expand(['P']);
  return {
    truth: column([x1.add(x2).mul(0.5), y1.add(y2).mul(0.5), x2.sub(x1).log().div(v1), y2.sub(y1).log().div(v1)]),
    origin: column([cx, cy, w.log().div(v1), h.log().div(v1)]),
    scale: column([one.div(w.mul(v0)), one.div(h.mul(v0)), one, one]),
  };
}

/** Every box's matched truth encoded against the box: float32 [B,P,4] (the `loc_t` output). */
function encodeAll(enc: Encoding, truthIdx: Tensor): Tensor {
  return enc.truth.gatherRows(truthIdx).sub(enc.origin).mul(enc.scale);
}

/**
 * The positive boxes of each image in box order, padded to the batch's largest count: int32 [B,K]
 * (K data-dependent) and which entries are real positives. A TopK of the 0/1 positive mask with k = the
 * largest count lists positives first, by index (ties keep the lower index first).
 */
function positiveRows(b: GraphBuilder, pos: Tensor, numPos: Tensor): { rows: Tensor; real: Tensor } {
  const [, rows] = pos.cast('float32').topk(numPos.max().maximum(1), 1, true);
  return { rows, real: b.range(dimAt(rows.shape, 1)).less(numPos.unsqueeze(1)) };
}

/**
 * Step 6: sum over positives of SmoothL1(loc - locT) (beta 1) over the 4 coordinates, on the positive
 * rows only ([B,K,4]): their predictions, truths and priors are gathered, so the gradient is a scatter
 * of [B,K,4] rows into zeros.
 */
function localisationSum(
  b: GraphBuilder,
  loc: Tensor,
  enc: Encoding,
  truthIdx: Tensor,
  positives: { rows: Tensor; real: Tensor },
): Tensor {
  const { rows, real } = positives;
  const locT = enc.truth
    .gatherRows(truthIdx.gatherElements(rows, 1))
    .sub(enc.origin.gather(rows, 0))
    .mul(enc.scale.gather(rows, 0));
  // padding entries: SmoothL1(0) = 0, and its gradient clamp(0) = 0 there too
  return b.where(real.unsqueeze(2), loc.gatherRows(rows).sub(locT), 0).smoothL1().sum();
}

/**
 * Hard negatives wanted per image: ceil(negPos * num_pos), at most P (the seed's clamp; torchvision does
 * not clamp, but no image can select more than its P boxes, so the selection is the same): int32 [B].
 */
function miningCount(b: GraphBuilder, numPos: Tensor, negPos: number): Tensor {
  // ceil(negPos * num_pos) = the number of ranks r with r < negPos * num_pos
  const quota = numPos.cast('float32').mul(negPos);
  const floor = quota.cast('int32');
  const count = b.where(floor.cast('float32').less(quota), floor.add(1), floor);
  return count.minimum(b.range('P').max().add(1));
}

/**
 * Step 7's selection: per image, the `count` boxes with the largest mining loss, ranked as the
 * original's stable descending sort ranks them (ties by box index; positives take part with the
 * profile's mining loss: 0 in the seed, below every negative in torchvision's).
 * One TopK with k = the largest count in the batch (at least 1) finds them all; each image keeps the
 * first `count` of its row, scattered back to a [B,P] mask.
 */
function hardNegativeMask(b: GraphBuilder, mining: Tensor, count: Tensor): Tensor {
  const k = count.max().maximum(1);
  const [, order] = mining.topk(k, 1, true); // [B,K], K data-dependent
  const kept = b.range(dimAt(order.shape, 1)).less(count.unsqueeze(1)).cast('int32'); // [B,K]
  return b.scalar(0, 'int32').expand(['B', 'P']).scatterElements(order, kept, 1, 'none').greater(0);
}

/**
 * The SSD MultiBoxLoss of the original PyTorch notebook as one graph (docs/DESIGN.md, "The MultiBoxLoss"),
 * with static shapes over symbolic B, P, C, M (and two data-dependent dims: the largest positive count
 * and the largest hard-negative count of the batch).
 * Outputs `loss_l`, `loss_c`; with `gradients` (default) `grad_loc` and `grad_conf`; and any of
 * `num_pos`, `conf_t_label`, `loc_t` named in `outputs`; with `diagnostics`, the per-box MULTIBOX_DIAGNOSTICS
 * (diagnostics.ts); with `normalize: 'none'`, `normalizer` (the sums
 * are then undivided). `profile` picks the seed's or torchvision's rules (multibox-profile.ts). Steps, each its own function: matching,
 * encoding, localisation sum (positive rows), per-box cross entropy, mining count, selection, sums,
 * normalisation.
 */
export function multiboxLoss(options: MultiboxLossOptions = {}): Graph {
  const o = resolveMultiboxOptions(options);
  const b = new GraphBuilder();
  const inp = (name: keyof typeof MULTIBOX_INPUTS) =>
    b.input(name, MULTIBOX_INPUTS[name].dtype, MULTIBOX_INPUTS[name].shape);
  const loc = inp('loc_data');
  const conf = inp('conf_data');
  const dbox = inp('dbox_list');
  const targets = inp('targets');
  const numObjs = inp('num_objs');

  const { table, truthIdx, label, forced } = matchTruths(b, targets, numObjs, dbox, o.jaccardThresh);
  const pos = label.greater(0);
  const numPos = pos.cast('int32').sum([1]); // [B]
  const enc = encodingParts(b, table, dbox, o.variances);
  const lSum = localisationSum(b, loc, enc, truthIdx, positiveRows(b, pos, numPos));

  // per-box cross entropy; its gradient is evaluated only on the selected rows (softmaxCrossEntropyGrad)
  const ce = conf.softmaxCrossEntropy(label); // [B,P]
  // the profile (multibox-profile.ts): the positives' place in the ranking, and which boxes the sum counts
  const rules = MULTIBOX_PROFILE_RULES[o.profile];
  const mining = b.where(pos, rules.positiveMiningLoss, ce).stopGradient();
  const selected = hardNegativeMask(b, mining, miningCount(b, numPos, o.negPos));
  const cSum = rules.confidenceSum(ce, pos, selected);

  const positives = numPos.sum().cast('float32');
  if (o.normalize === 'none') {
    // undivided sums and the normaliser, for data-parallel training (all-reduce both, divide once)
    b.output('loss_l', lSum);
    b.output('loss_c', cSum);
    b.output(NORMALIZER_OUTPUT, positives);
  } else {
    // N = 0 (no positives anywhere) gives 0, not 0/0: both sums are 0 then
    const n = positives.maximum(1);
    b.output('loss_l', lSum.div(n));
    b.output('loss_c', cSum.div(n));
  }
  if (o.outputs.includes('num_pos')) b.output('num_pos', numPos);
  if (o.outputs.includes('conf_t_label')) b.output('conf_t_label', label);
  if (o.outputs.includes('loc_t')) b.output('loc_t', encodeAll(enc, truthIdx));
  if (o.diagnostics) {
    const locT = encodeAll(enc, truthIdx);
    emitMultiboxDiagnostics(b, { truthIdx, forced, positive: pos, mining, selected, crossEntropy: ce, loc, locT });
  }
  const graph = b.build();
  if (!o.gradients) return graph;
  return appendGradients(graph, { of: ['loss_l', 'loss_c'], wrt: { loc_data: 'grad_loc', conf_data: 'grad_conf' } });
}
