import type { GraphBuilder, Tensor } from '../../builder.js';

/**
 * The MultiBoxLoss diagnostics (`diagnostics: true`), each per default box, [B, P], from the same run as the
 * losses and without gradient (docs/FIXTURES.md, "Diagnostics"):
 * - `matched_truth` int32: the `targets` row a positive box is matched to, -1 for a background box;
 * - `forced_match` int32: 1 where the box is some real truth's best box (a forced match: positive whatever
 *   its IoU), else 0; a positive box with 0 here matched by the threshold;
 * - `positive` int32: 1 for a positive box (`conf_t_label > 0`);
 * - `mining_score` float32: the key of the hard-negative ranking: the box's cross entropy, positives set to
 *   the profile's value (0 for `seed`; -1 for `torchvision`, standing for its -inf: below every negative);
 * - `hard_negative` int32: 1 where the ranking selected the box (the first ceil(negPos · num_pos) of a
 *   stable descending sort, ties by box index); in the `torchvision` profile an image short of negatives
 *   selects positives too;
 * - `cross_entropy` float32: softmax cross entropy of the box's logits with its label (0 = background);
 * - `smooth_l1` float32: Smooth L1 (beta 1) of the box's offsets against its matched truth's encoding,
 *   summed over the 4 coordinates; 0 for a background box.
 */
export const MULTIBOX_DIAGNOSTICS = [
  'matched_truth',
  'forced_match',
  'positive',
  'mining_score',
  'hard_negative',
  'cross_entropy',
  'smooth_l1',
] as const;
export type MultiboxDiagnostic = (typeof MULTIBOX_DIAGNOSTICS)[number];

/** The loss graph's intermediate tensors the diagnostics read. */
export interface MultiboxDiagnosticParts {
  /** int32 [B,P]: the truth row each box is matched to (forced or best IoU), before the threshold */
  readonly truthIdx: Tensor;
  /** bool [B,P] */
  readonly forced: Tensor;
  /** bool [B,P] */
  readonly positive: Tensor;
  /** float32 [B,P] */
  readonly mining: Tensor;
  /** bool [B,P] */
  readonly selected: Tensor;
  /** float32 [B,P] */
  readonly crossEntropy: Tensor;
  /** loc_data [B,P,4] and every box's matched truth encoded against it [B,P,4] */
  readonly loc: Tensor;
  readonly locT: Tensor;
}

/** Adds the MULTIBOX_DIAGNOSTICS outputs to `b`. */
export function emitMultiboxDiagnostics(b: GraphBuilder, p: MultiboxDiagnosticParts): void {
  const flag = (t: Tensor) => t.cast('int32');
  b.output('matched_truth', b.where(p.positive, p.truthIdx, b.scalar(-1, 'int32')));
  b.output('forced_match', flag(p.forced));
  b.output('positive', flag(p.positive));
  b.output('mining_score', p.mining.stopGradient());
  b.output('hard_negative', flag(p.selected));
  b.output('cross_entropy', p.crossEntropy.stopGradient());
  const perBox = p.loc.sub(p.locT).smoothL1().sum([2]); // [B,P]
  b.output('smooth_l1', b.where(p.positive, perBox, 0).stopGradient());
}
