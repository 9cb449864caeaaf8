import type { Tensor } from '../builder.js';

/**
 * torchvision.ops.sigmoid_focal_loss, elementwise: alpha_t · BCE(z, t) · (1 - p_t)^gamma with
 * p = sigmoid(z), p_t = p t + (1 - p)(1 - t), alpha_t = alpha t + (1 - alpha)(1 - t) (no weighting when
 * alpha < 0), for binary targets t given as the bool tensor `positive` (t = 1 where true).
 *
 * Computed from the signed margin s = z (t = 1) or -z (t = 0), without ever forming p: with
 * L = log(1 + e^-|s|), BCE = softplus(-s) = (|s| - s)/2 + L and log(1 - p_t) = -softplus(s) =
 * -((|s| + s)/2 + L). Both stay accurate in float32 where sigmoid saturates (|z| > ~17), and the
 * modulating factor is exp(gamma · log(1 - p_t)), so a gamma below 1 never meets 0^(gamma - 1) in the
 * gradient. The |s| kink carries the right derivative at s = 0 (abs passes sign(0) = 0).
 */
export function sigmoidFocalLoss(logits: Tensor, positive: Tensor, alpha: number, gamma: number): Tensor {
  const b = logits.builder;
  const s = b.where(positive, logits, logits.neg());
  const a = s.abs();
  const shared = a.neg().exp().add(1).log(); // L
  const bce = a.sub(s).mul(0.5).add(shared);
  let loss = bce;
  if (gamma !== 0) loss = loss.mul(a.add(s).mul(0.5).add(shared).mul(-gamma).exp());
  if (alpha >= 0) loss = loss.mul(b.where(positive, b.scalar(alpha), b.scalar(1 - alpha)));
  return loss;
}

/** The focal loss of logits taken all as negatives (t = 0) or all as positives (t = 1), with its derivative. */
export interface FocalSide {
  /** elementwise loss (times `weight` unless asked for unweighted) */
  readonly loss: Tensor;
  /** elementwise d loss / d logit (times `weight` unless asked for unweighted); present when asked for */
  readonly grad?: Tensor;
  /** the alpha weight of this side: 1 - alpha for t = 0, alpha for t = 1, 1 when alpha < 0 */
  readonly weight: number;
}

/** The alpha weight of one side of sigmoid_focal_loss (1 when alpha < 0: no weighting). */
export function focalWeight(target: 0 | 1, alpha: number): number {
  return alpha < 0 ? 1 : target === 0 ? 1 - alpha : alpha;
}

/**
 * sigmoid_focal_loss at every element of `logits` for one target value, and its closed-form derivative,
 * from σ(±z) and softplus(±z):
 *   t = 0: f = w0 · sp(z) · σ(z)^γ,   f' =  w0 · σ(z)^γ · (σ(z) + γ sp(z) σ(-z))
 *   t = 1: f = w1 · sp(-z) · σ(-z)^γ, f' = -w1 · σ(-z)^γ · (σ(-z) + γ sp(-z) σ(z))
 * with w1 = alpha and w0 = 1 - alpha (both 1 when alpha < 0), since e^(-γ sp(∓z)) = σ(±z)^γ. A one-hot
 * focal loss can take the t = 0 side over the whole [B,A,C] tensor and correct the one positive class per
 * anchor on [B,A]: no [B,A,C] mask, and a gradient of a few passes where differentiating the graph would take
 * dozens.
 *
 * Each pass over the tensor counts (a backend runs one kernel per op): σ(z) is one Sigmoid, σ(-z) = 1 -
 * σ(z), and L = log(1 + e^-|z|) = -log σ(|z|) = -log max(σ(z), σ(-z)), so softplus(z) = max(z, 0) + L and
 * softplus(-z) = softplus(z) - z follow in a few more; the modulating factor is a product for γ = 1 or 2
 * (torchvision's default) and e^(-γ sp(∓z)) otherwise, so a γ below 1 never meets 0^(γ - 1). Where σ
 * rounds to 0 or 1 in float32 (|z| > ~17) L rounds to 0, as log(1 + e^-|z|) does; the loss and gradient
 * stay finite everywhere. With `weighted: false` the weight is left for the caller to apply to a smaller
 * tensor (a sum over classes, a per-anchor scale).
 */
export function focalSide(
  logits: Tensor,
  target: 0 | 1,
  alpha: number,
  gamma: number,
  withGrad: boolean,
  options: { readonly weighted?: boolean } = {},
): FocalSide {
  const b = logits.builder;
  const sigPos = logits.sigmoid(); // σ(z)
  const sigNeg = b.scalar(1).sub(sigPos); // σ(-z)
  const negL = sigPos.maximum(sigNeg).log(); // -L = log σ(|z|) <= 0
  const spPos = logits.relu().sub(negL); // softplus(z)
  // t = 0: the loss is in sp(z), modulated by σ(z); t = 1: in sp(-z), modulated by σ(-z)
  const bce = target === 0 ? spPos : spPos.sub(logits);
  const [toward, away] = target === 0 ? [sigPos, sigNeg] : [sigNeg, sigPos];
  const weight = focalWeight(target, alpha);
  const modulation =
    gamma === 0
      ? undefined
      : gamma === 1
        ? toward
        : gamma === 2
          ? toward.mul(toward)
          : // σ(z)^γ = e^(-γ sp(-z)) for t = 0, σ(-z)^γ = e^(-γ sp(z)) for t = 1
            (target === 0 ? spPos.sub(logits) : spPos).mul(-gamma).exp();
  const weighted = (x: Tensor) => (weight === 1 || options.weighted === false ? x : x.mul(weight));
  const loss = weighted(modulation === undefined ? bce : bce.mul(modulation));
  if (!withGrad) return { loss, weight };
  let inner = toward;
  if (gamma !== 0) inner = bce.mul(away).mul(gamma).add(toward);
  const magnitude = weighted(modulation === undefined ? inner : inner.mul(modulation));
  return { loss, grad: target === 0 ? magnitude : magnitude.neg(), weight };
}
