import * as tf from '@tensorflow/tfjs-core';
import type { LoweringsFor } from './types.js';

type ActivationOp = 'relu' | 'clip' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'hardSigmoid' | 'hardSwish' | 'matMul';

/**
 * Activations and matMul (forward values only: their gradients come from the IR's VJPs). tfjs-core has
 * no HardSigmoid or HardSwish kernel: both are a clip of an affine map, HardSwish times its input.
 */
export const activations: LoweringsFor<ActivationOp> = {
  relu: ([x]) => [tf.relu(x)],
  clip: ([x], { min, max }) => [tf.clipByValue(x, min, max)],
  leakyRelu: ([x], { alpha }) => [tf.leakyRelu(x, alpha)],
  sigmoid: ([x]) => [tf.sigmoid(x)],
  tanh: ([x]) => [tf.tanh(x)],
  hardSigmoid: ([x], { alpha, beta }) => [tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1)],
  hardSwish: ([x]) => [tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6))],
  matMul: ([a, b], _, ctx) => [matMul(a!, b!, ctx.outShapes[0]!)],
};

/**
 * tfjs BatchMatMul flattens each operand's batch dims and pairs batch i of the output with batch
 * i mod size of each operand: right only when an operand's batch dims equal the output's or hold one
 * matrix. Any other operand is broadcast to the output's batch dims first.
 */
function matMul(a: tf.Tensor, b: tf.Tensor, outShape: readonly number[]): tf.Tensor {
  const batch = outShape.slice(0, -2);
  const fit = (t: tf.Tensor): tf.Tensor => {
    const own = t.shape.slice(0, -2);
    const pairsRight =
      own.every((d) => d === 1) || (own.length === batch.length && own.every((d, i) => d === batch[i]));
    return pairsRight ? t : tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]);
  };
  return tf.matMul(fit(a), fit(b));
}
