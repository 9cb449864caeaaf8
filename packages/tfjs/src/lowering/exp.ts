import * as tf from '@tensorflow/tfjs-core';
import type { BackendTraits } from './traits.js';

/**
 * e^x for inputs known to hold no positive element (log-probabilities; NaN stays NaN). tfjs-wasm's Exp
 * is a scalar loop, its Sigmoid XNNPACK's vectorised kernel (about 6x faster), and for x <= 0,
 * e^x = s / (1 - s) with s = sigmoid(x) <= 1/2, so 1 - s rounds to half an ulp: within 5 ulp of e^x
 * down to -87.3, and 0 below that, where e^x is subnormal (XNNPACK flushes there). Other backends: tf.exp.
 */
export function expOfNonPositive(x: tf.Tensor, traits: BackendTraits): tf.Tensor {
  if (!traits.wasm) return tf.exp(x);
  const s = tf.sigmoid(x);
  return tf.div(s, tf.sub(tf.scalar(1), s));
}
