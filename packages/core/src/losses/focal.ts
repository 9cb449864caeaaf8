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
