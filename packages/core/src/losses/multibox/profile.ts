import type { Tensor } from '../../builder.js';

/** Whose MultiBoxLoss a graph reproduces: the seed notebook's (default) or torchvision's SSD.compute_loss. */
export const MULTIBOX_PROFILES = ['seed', 'torchvision'] as const;
export type MultiboxProfile = (typeof MULTIBOX_PROFILES)[number];

/**
 * The two places where the profiles differ; matching, encoding, the localisation loss and the count of
 * hard negatives per image, ceil(negPos · num_pos), are the same in both.
 *
 * seed: positives enter the mining ranking with loss 0, and the confidence loss sums the cross entropy
 * over positives ∪ selected boxes, so a positive is counted once even when the selection reaches it.
 *
 * torchvision: positives enter the ranking with loss -inf (here -1: every cross entropy is >= 0, so -1
 * ranks them below every negative just as -inf does), there is no clamp, and the confidence loss is
 * sum over positives + sum over the selected set. So when an image asks for more negatives than it has
 * (negPos · num_pos > P - num_pos), the selection runs into the positives and counts them a second time.
 * Which positives it reaches first is decided by torchvision's sort, which is not stable; this graph
 * takes them in box order (a stable sort's choice), which agrees with torchvision whenever all or none of
 * an image's positives are reached (e.g. negPos · num_pos >= P).
 */
export interface MultiboxProfileRules {
  /** the mining loss given to positives in the ranking */
  readonly positiveMiningLoss: number;
  /** the sum of the per-box cross entropy `ce` [B,P] over the counted boxes */
  confidenceSum(ce: Tensor, positive: Tensor, selected: Tensor): Tensor;
}

export const MULTIBOX_PROFILE_RULES: Readonly<Record<MultiboxProfile, MultiboxProfileRules>> = {
  seed: {
    positiveMiningLoss: 0,
    confidenceSum: (ce, positive, selected) => ce.builder.where(positive.or(selected), ce, 0).sum(),
  },
  torchvision: {
    positiveMiningLoss: -1,
    confidenceSum: (ce, positive, selected) => {
      const b = ce.builder;
      return b
        .where(positive, ce, 0)
        .sum()
        .add(b.where(selected, ce, 0).sum());
    },
  },
};
