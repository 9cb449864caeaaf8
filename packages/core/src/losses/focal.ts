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
  /** elementwise loss */
  readonly loss: Tensor;
  /** elementwise d loss / d logit; present when asked for */
  readonly grad?: Tensor;
}

/**
 * sigmoid_focal_loss at every element of `logits` for one target value, and its closed-form derivative,
 * from softplus(z) and softplus(-z) (with L = log(1 + e^-|z|) shared: softplus(±z) = max(±z, 0) + L):
 *   t = 0: f = w0 · sp(z) · e^(-γ sp(-z)),   f' =  w0 · e^(-γ sp(-z)) · (σ(z) + γ sp(z) σ(-z))
 *   t = 1: f = w1 · sp(-z) · e^(-γ sp(z)),   f' = -w1 · e^(-γ sp(z)) · (σ(-z) + γ sp(-z) σ(z))
 * with σ(±z) = e^(-sp(∓z)), w1 = alpha and w0 = 1 - alpha (both 1 when alpha < 0). A one-hot focal loss
 * can take the t = 0 side over the whole [B,A,C] tensor and correct the one positive class per anchor on
 * [B,A]: no [B,A,C] mask, and a gradient of a few passes where differentiating the graph would take dozens.
 */
export function focalSide(logits: Tensor, target: 0 | 1, alpha: number, gamma: number, withGrad: boolean): FocalSide {
  // max(±z, 0) equals (|z| ± z)/2 exactly, in one pass, and shows a backend the sign of what follows:
  // every exponent below is <= 0 (tfjs-wasm then takes its vectorised route for e^x)
  const shared = logits.abs().neg().exp().add(1).log(); // L
  const spPos = logits.maximum(0).add(shared); // softplus(z)
  const spNeg = logits.neg().maximum(0).add(shared); // softplus(-z)
  // for t = 1 the roles of z and -z swap: the loss is in sp(-z), modulated by sp(z)
  const [bce, other] = target === 0 ? [spPos, spNeg] : [spNeg, spPos];
  const weight = alpha < 0 ? 1 : target === 0 ? 1 - alpha : alpha;
  const modulation = gamma === 0 ? undefined : other.mul(-gamma).exp();
  const weighted = (x: Tensor) => (weight === 1 ? x : x.mul(weight));
  const loss = weighted(modulation === undefined ? bce : bce.mul(modulation));
  if (!withGrad) return { loss };
  const toward = other.neg().exp(); // σ(z) for t = 0, σ(-z) for t = 1; bce.neg().exp() is the other σ
  let inner = toward;
  if (gamma !== 0) inner = inner.add(bce.mul(bce.neg().exp()).mul(gamma));
  const magnitude = weighted(modulation === undefined ? inner : inner.mul(modulation));
  return { loss, grad: target === 0 ? magnitude : magnitude.neg() };
}
