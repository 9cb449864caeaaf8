import { GraphBuilder, type Tensor } from '../builder.js';
import type { Graph } from '../ir/graph.js';
import { appendGradients } from '../passes/autodiff.js';
import { coords, encode, jaccard, pointForm } from '../boxes/box-ops.js';
import { resolveMultiboxOptions, type MultiboxLossOptions } from './multibox-options.js';
import { MULTIBOX_PROFILE_RULES, type MultiboxProfileRules } from './multibox-profile.js';
import { NORMALIZER_OUTPUT } from './normalization.js';

/** Names and types of the MultiBoxLoss graph inputs, over symbolic B (batch), P (boxes), C (classes), M (truth rows). */
export const MULTIBOX_INPUTS = {
  loc_data: { dtype: 'float32', shape: ['B', 'P', 4] },
  conf_data: { dtype: 'float32', shape: ['B', 'P', 'C'] },
  dbox_list: { dtype: 'float32', shape: ['P', 4] },
  targets: { dtype: 'float32', shape: ['B', 'M', 5] },
  num_objs: { dtype: 'int32', shape: ['B'] },
} as const;

/** Output of a graph built with `hardNegativeTopK`: true when its partial sort was too short. */
export const MINING_OVERFLOW = 'mining_overflow';

interface Match {
  /** class per default box, 0 = background: int32 [B,P] */
  readonly label: Tensor;
  /** encoded offsets of each box's matched truth: float32 [B,P,4] */
  readonly locT: Tensor;
}

/** Steps 1-5 of the original: IoU, best matches both ways, forced matching, thresholded labels, encoding. */
function matchTruths(b: GraphBuilder, targets: Tensor, numObjs: Tensor, dbox: Tensor, thresh: number, variances: readonly [number, number]): Match {
  const valid = b.range('M').less(numObjs.unsqueeze(1)); // [B,M]: real rows
  // padding rows become the unit box so that encoding them stays finite; they can never be matched
  const table = b.where(valid.unsqueeze(2), targets, b.constant([0, 0, 1, 1, 0], 'float32', [5])); // [B,M,5]
  const truth = coords(table.slice(2, 0, 4)); // each [B,M]
  const priors = coords(dbox); // (cx, cy, w, h), each [P]
  const iou = jaccard(truth, pointForm(priors)); // [B,M,P]
  const overlaps = b.where(valid.unsqueeze(2), iou, -1);

  const bestPrior = overlaps.argMax(2); // [B,M], ties: lowest prior index
  const bestTruth = overlaps.argMax(1); // [B,P], ties: lowest truth index
  const bestTruthOverlap = overlaps.max([1]); // [B,P]

  // forced matching: each real truth claims its best prior; the highest truth index wins a shared prior
  const claims = bestPrior.unsqueeze(2).equal(b.range('P')).and(valid.unsqueeze(2)); // [B,M,P]
  const claimant = b.where(claims, b.range('M').cast('float32').unsqueeze(1), -1).max([1]); // [B,P]
  const forced = claimant.greaterEqual(0);
  const truthIdx = b.where(forced, claimant.cast('int32'), bestTruth);
  const overlap = b.where(forced, 2, bestTruthOverlap);

  // one gather of whole rows for the matched truth of every box: [B,P,5]
  const matchedRows = table.gatherElements(truthIdx.unsqueeze(2).expand(['B', 'P', 5]), 1);
  const classOf = matchedRows.slice(2, 4, 5).squeeze(2).add(1).cast('int32');
  const label = b.where(overlap.less(thresh), b.scalar(0, 'int32'), classOf);
  const matched = coords(matchedRows.slice(2, 0, 4));
  const locT = b.concat(
    encode(matched, priors, variances).map((t) => t.unsqueeze(2)),
    2,
  );
  return { label, locT };
}

/** Sum over positives of SmoothL1(loc - locT), beta 1, over the 4 coordinates. */
function localisationSum(b: GraphBuilder, loc: Tensor, locT: Tensor, pos: Tensor): Tensor {
  const d = loc.sub(locT);
  const ad = d.abs();
  const sl1 = b.where(ad.less(1), d.mul(d).mul(0.5), ad.sub(0.5));
  return b.where(pos.unsqueeze(2), sl1, 0).sum();
}

/**
 * Hard negatives: per image, the `ceil(negPos * num_pos)` boxes (at most P) with the largest mining loss,
 * ranked as the original's stable descending sort ranks them (ties by box index). Positives take part in
 * the ranking with loss 0, as in the original. Instead of inverting the sort permutation (a scatter), the
 * selection reads the threshold t = the count-th largest value off the sorted values: every box above t,
 * plus the first boxes equal to t (by index) until the count is reached.
 */
function hardNegatives(b: GraphBuilder, mining: Tensor, numPos: Tensor, negPos: number, topK: number | null): { mask: Tensor; overflow?: Tensor } {
  // descending mining losses: all P of them, or only the topK largest (a partial sort)
  const [sorted] = topK === null ? mining.sort(1, true) : mining.topk(topK, 1, true);
  // count = ceil(negPos * num_pos): the number of ranks r with r < negPos * num_pos
  const quota = numPos.cast('float32').mul(negPos).unsqueeze(1); // [B,1]
  const floor = quota.cast('int32');
  const count = b.where(floor.cast('float32').less(quota), floor.add(1), floor);
  const lastRank = topK === null ? b.range('P').max() : b.scalar(topK - 1, 'int32'); // the clamp to P (or to topK)
  const last = count.sub(1).maximum(0).minimum(lastRank);
  const threshold = sorted.gatherElements(last, 1); // [B,1]: the count-th largest mining loss
  const above = mining.greater(threshold);
  const atThreshold = mining.equal(threshold);
  const tiesBefore = atThreshold.cast('int32').cumsum(1, { exclusive: true });
  const room = count.sub(above.cast('int32').sum([1], true)); // boxes equal to t still to take
  const mask = above.or(atThreshold.and(tiesBefore.less(room))).and(count.greater(0));
  // with a partial sort the threshold is only right where count <= topK
  return topK === null ? { mask } : { mask, overflow: count.greater(topK).cast('int32').max().greater(0) };
}

/** Sum of cross entropy over positives and hard negatives, by the profile's rules (mining carries no gradient). */
function confidenceSum(b: GraphBuilder, conf: Tensor, label: Tensor, pos: Tensor, numPos: Tensor, negPos: number, topK: number | null, rules: MultiboxProfileRules) {
  const ce = conf.logSoftmax(2).gatherElements(label.unsqueeze(2), 2).squeeze(2).neg(); // [B,P]
  const mining = b.where(pos, rules.positiveMiningLoss, ce).stopGradient();
  const { mask, overflow } = hardNegatives(b, mining, numPos, negPos, topK);
  return { sum: rules.confidenceSum(ce, pos, mask), overflow };
}

/**
 * The SSD MultiBoxLoss of the original PyTorch notebook as one graph (DESIGN.md, "The MultiBoxLoss graph"),
 * with static shapes over symbolic B, P, C, M. Outputs `loss_l`, `loss_c`; with `gradients` (default)
 * `grad_loc` and `grad_conf`; any of `num_pos`, `conf_t_label`, `loc_t` named in `outputs`; and, with
 * `hardNegativeTopK`, `mining_overflow`; with `normalize: 'none'`, `normalizer` (the sums are then undivided).
 * `profile` picks the seed's or torchvision's rules (multibox-profile.ts).
 */
export function multiboxLoss(options: MultiboxLossOptions = {}): Graph {
  const o = resolveMultiboxOptions(options);
  const b = new GraphBuilder();
  const inp = (name: keyof typeof MULTIBOX_INPUTS) => b.input(name, MULTIBOX_INPUTS[name].dtype, MULTIBOX_INPUTS[name].shape);
  const loc = inp('loc_data');
  const conf = inp('conf_data');
  const dbox = inp('dbox_list');
  const targets = inp('targets');
  const numObjs = inp('num_objs');

  const { label, locT } = matchTruths(b, targets, numObjs, dbox, o.jaccardThresh, o.variances);
  const pos = label.greater(0);
  const numPos = pos.cast('int32').sum([1]); // [B]
  const lSum = localisationSum(b, loc, locT, pos);
  const { sum: cSum, overflow } = confidenceSum(b, conf, label, pos, numPos, o.negPos, o.hardNegativeTopK, MULTIBOX_PROFILE_RULES[o.profile]);

  const positives = numPos.sum().cast('float32');
  if (o.normalize === 'none') {
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
  if (o.outputs.includes('loc_t')) b.output('loc_t', locT);
  if (overflow !== undefined) b.output(MINING_OVERFLOW, overflow);
  const graph = b.build();
  if (!o.gradients) return graph;
  return appendGradients(graph, { of: ['loss_l', 'loss_c'], wrt: { loc_data: 'grad_loc', conf_data: 'grad_conf' } });
}
