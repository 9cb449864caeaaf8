import { type Coords, coords } from '../../boxes/box-ops.js';
import type { GraphBuilder, Tensor } from '../../builder.js';
import { paddedTruths } from '../truth-table.js';
import { ultralyticsCiou } from './ciou.js';
import { nonNegativePower, sigmoidPower } from './powers.js';

/** Ultralytics' in-box margin (pixels): an anchor centre is inside a truth when every edge distance exceeds it. */
export const IN_BOX_EPS = 1e-9;
/** Ultralytics' guard in the alignment normalisation t · U / (T + eps). */
export const ALIGN_EPS = 1e-9;

export interface AssignerInputs {
  /** class logits [B,A,C], gradient already stopped */
  readonly logits: Tensor;
  /** predicted boxes in pixels, each coordinate [B,A], gradient already stopped */
  readonly boxes: Coords;
  /** anchor centres in pixels, x and y, each [A] */
  readonly centres: readonly [Tensor, Tensor];
  /** targets [B,M,5] (x1, y1, x2, y2, label) in pixels, and num_objs [B] */
  readonly targets: Tensor;
  readonly numObjs: Tensor;
  readonly topk: number;
  readonly alpha: number;
  readonly beta: number;
}

export interface Assignment {
  /** bool [B,A]: the anchor is a positive */
  readonly foreground: Tensor;
  /** int32 [B,A]: its truth row, 0 where not a positive */
  readonly truthIndex: Tensor;
  /** [B,A]: the soft target score t · U_m / (T_m + eps) of its truth, 0 where not a positive */
  readonly score: Tensor;
  /** int32 [B,A]: its truth's label (row 0's where not a positive) */
  readonly label: Tensor;
  /** [B,A]: the anchor's class logit at `label` */
  readonly labelLogit: Tensor;
  /** its truth's box in pixels, each coordinate [B,A] (row 0's, or the unit box, where not a positive) */
  readonly box: Coords;
  /** bool [B,M,A]: step 3's candidates (top-k and in-box), before step 4 */
  readonly candidate: Tensor;
  /** [B,M,A]: the alignment metric t */
  readonly align: Tensor;
}

/**
 * Ultralytics' TaskAlignedAssigner (8.3 form) on the static [B,M,A] layout; no gradient flows through it.
 * 1. in-box: the smallest of an anchor centre's four distances to a real truth's edges exceeds 1e-9 px;
 * 2. on in-box pairs, u = max(0, CIoU(truth, predicted box)) and t = sigmoid(logit of the truth's
 *    class)^alpha · u^beta, both 0 elsewhere;
 * 3. each truth's `topk` largest t over all A anchors (ties: lowest anchor index first, the IR's topk
 *    rule; torch leaves the order unspecified), kept where in-box;
 * 4. an anchor kept by several truths goes to the largest u over all M rows (ties: lowest row);
 * 5. soft scores t · U_m / (T_m + 1e-9) with T_m, U_m the largest t and u over truth m's positives.
 * Padding rows (at and past num_objs) are never in-box, so they pick nothing: any M gives the same result.
 */
export function assignTargets(b: GraphBuilder, inp: AssignerInputs): Assignment {
  const { valid, table } = paddedTruths(b, inp.targets, inp.numObjs); // [B,M], [B,M,5]
  const truth = coords(table.slice(2, 0, 4)).map((c) => c.unsqueeze(2)); // each [B,M,1]
  const [tx1, ty1, tx2, ty2] = truth as [Tensor, Tensor, Tensor, Tensor];
  const [cx, cy] = inp.centres;
  const edgeDistance = cx
    .sub(tx1)
    .minimum(cy.sub(ty1))
    .minimum(tx2.sub(cx).minimum(ty2.sub(cy))); // [B,M,A]
  const inBox = edgeDistance.greater(IN_BOX_EPS).and(valid.unsqueeze(2));

  const predicted = inp.boxes.map((c) => c.unsqueeze(1)); // each [B,1,A]
  const overlaps = b.where(inBox, ultralyticsCiou(truth, predicted).maximum(0), 0); // u [B,M,A]
  const classes = b.range('C');
  const labels = table.slice(2, 4, 5).squeeze(2).cast('int32').maximum(0).minimum(classes.max()); // [B,M]
  // each truth's class logit at every anchor. Gathering along C first and transposing the small [B,A,M] result
  // would save a [B,C,A] copy, but onnxruntime-web's WebGPU layout pass then makes two Transposes of int32
  // indices, which have no WebGPU kernel (apps/bench/scripts/webgpu-placement.ts shows it)
  const classLogit = inp.logits.transpose([0, 2, 1]).gatherElements(labels.unsqueeze(2).expand(['B', 'M', 'A']), 1); // [B,M,A]
  const align = b.where(inBox, sigmoidPower(classLogit, inp.alpha).mul(nonNegativePower(overlaps, inp.beta)), 0); // t [B,M,A]

  const [, picks] = align.topk(inp.topk, 2); // [B,M,k]
  const picked = b
    .scalar(0)
    .expand(['B', 'M', 'A'])
    .scatterElements(picks, b.scalar(1).expand(['B', 'M', inp.topk]), 2)
    .greater(0);
  const candidate = picked.and(inBox); // [B,M,A]
  const claims = candidate.cast('float32').sum([1]); // [B,A]
  // each anchor's best truth, compared along M in place: a one-hot along the last axis then a transpose leaves
  // onnxruntime-web's WebGPU transpose optimizer a bool Transpose, which has no WebGPU kernel
  const bestTruth = overlaps.argMax(1).unsqueeze(1).equal(b.range('M').unsqueeze(1)); // [B,M,A]
  const positive = b.where(claims.greater(1).unsqueeze(1), bestTruth, candidate); // [B,M,A]

  const positiveF = positive.cast('float32');
  const foreground = positiveF.max([1]).greater(0); // [B,A]
  const truthIndex = positiveF.argMax(1); // [B,A]: 0 where no truth claims the anchor
  const kept = b.where(positive, align, 0);
  const bestAlign = kept.max([2], true); // T_m [B,M,1]
  const bestOverlap = b.where(positive, overlaps, 0).max([2], true); // U_m [B,M,1]
  const score = kept.mul(bestOverlap).div(bestAlign.add(ALIGN_EPS)).max([1]); // [B,A]

  const rows = table.gatherElements(truthIndex.unsqueeze(2).expand(['B', 'A', 5]), 1); // [B,A,5]
  const label = rows.slice(2, 4, 5).squeeze(2).cast('int32').maximum(0).minimum(classes.max());
  const labelLogit = classLogit.gatherElements(truthIndex.unsqueeze(1), 1).squeeze(1); // [B,A]
  return { foreground, truthIndex, score, label, labelLogit, box: coords(rows.slice(2, 0, 4)), candidate, align };
}
