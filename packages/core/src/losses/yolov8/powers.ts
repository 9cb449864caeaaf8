import type { Tensor } from '../../builder.js';

/**
 * sigmoid(z)^alpha as exp(-alpha · softplus(-z)), with softplus(-z) = max(-z, 0) + log(1 + e^-|z|): no
 * sigmoid op, and accurate where sigmoid saturates (a large negative z keeps its tiny score instead of 0).
 * Written as exp((min(z, 0) - tail) · alpha), tail = log(1 + e^-|z|): the same value bit for bit (IEEE
 * rounding is symmetric, so min(z, 0) - tail is exactly -(max(-z, 0) + tail)) in fewer passes. `tail` is
 * softplusTail(z) when the caller has it already.
 */
export function sigmoidPower(z: Tensor, alpha: number, tail: Tensor = softplusTail(z)): Tensor {
  const logSigmoid = z.minimum(0).sub(tail);
  return (alpha === 1 ? logSigmoid : logSigmoid.mul(alpha)).exp();
}

/**
 * log(1 + e^-|z|), the part that softplus(z) = max(z, 0) + tail and softplus(-z) = max(-z, 0) + tail share:
 * computed once, it serves both a BCE and a sigmoid over the same logits.
 */
export function softplusTail(z: Tensor): Tensor {
  return z.abs().neg().exp().add(1).log();
}

/**
 * u^beta for u >= 0, as torch.pow: repeated multiplication for a small integer beta (exact to a few
 * roundings, where exp(beta log u) would lose beta · |log u| roundings), else exp(beta · log u) with 0^beta = 0
 * (and u^0 = 1).
 */
export function nonNegativePower(u: Tensor, beta: number): Tensor {
  const b = u.builder;
  if (beta === 0) return b.where(u.equal(0), 1, 1);
  if (Number.isInteger(beta) && beta <= 16) {
    let result: Tensor | undefined;
    let square = u;
    for (let e = beta; e > 0; e >>= 1) {
      if (e & 1) result = result === undefined ? square : result.mul(square);
      if (e > 1) square = square.square();
    }
    return result!;
  }
  const positive = u.greater(0);
  return b.where(positive, b.where(positive, u, 1).log().mul(beta).exp(), 0);
}
