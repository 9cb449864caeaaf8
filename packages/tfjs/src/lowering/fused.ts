import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { onHostMemory } from './host-memory.js';
import type { LoweringsFor } from './types.js';

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function checkLabel(label: number, c: number, op: string): number {
  if (!(label >= 0 && label < c)) fail('KERNEL_ERROR', `${op}: label ${label} out of range [0, ${c})`, { op });
  return label;
}

/** logsumexp of one row of `x` (length c from `at`), max-shifted, in float64. */
function rowLogSumExp(x: Float32Array, at: number, c: number): number {
  let m = -Infinity;
  for (let k = 0; k < c; k++) m = Math.max(m, x[at + k]!);
  let s = 0;
  for (let k = 0; k < c; k++) s += Math.exp(x[at + k]! - m);
  return m + Math.log(s);
}

/** logsumexp along the last axis (kept as size 1) with tfjs ops, max-shifted. */
function logSumExp(x: tf.Tensor): tf.Tensor {
  const m = tf.max(x, -1, true);
  return tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(x, m)), -1, true)));
}

/** One-hot rows of `labels` over `c` classes, float32 (tfjs-wasm's OneHot writes int bits when asked for float). */
const oneHotFloat = (labels: tf.Tensor, c: number) => tf.cast(tf.oneHot(labels, c), 'float32');

/**
 * Per-row cross entropy over the last axis. Host-memory backends (cpu, wasm) run one pass over the rows
 * in JavaScript (float64 math): their kernels would take six passes. GPU backends use tfjs ops.
 */
function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const c = logits.shape.at(-1)!;
  if (onHostMemory()) {
    const x = logits.dataSync() as Float32Array;
    const lab = labels.dataSync() as Int32Array;
    const out = new Float32Array(lab.length);
    for (let r = 0; r < lab.length; r++) out[r] = rowLogSumExp(x, r * c, c) - x[r * c + checkLabel(lab[r]!, c, 'softmaxCrossEntropy')]!;
    return tf.tensor(out, labels.shape, 'float32');
  }
  const picked = tf.sum(tf.mul(logits, oneHotFloat(labels, c)), -1);
  return tf.sub(tf.squeeze(logSumExp(logits), [logits.rank - 1]), picked);
}

/**
 * (softmax - onehot(label)) * g, 0 on rows where g == 0. Host-memory backends visit only the rows with
 * g != 0 (a few hundred of a [B,P] loss's rows); GPU backends compute it densely in two passes.
 */
function softmaxCrossEntropyGrad(logits: tf.Tensor, labels: tf.Tensor, g: tf.Tensor): tf.Tensor {
  const c = logits.shape.at(-1)!;
  if (onHostMemory()) {
    const x = logits.dataSync() as Float32Array;
    const lab = labels.dataSync() as Int32Array;
    const gr = g.dataSync() as Float32Array;
    const out = new Float32Array(product(logits.shape));
    for (let r = 0; r < gr.length; r++) {
      const w = gr[r]!;
      if (w === 0) continue;
      const lse = rowLogSumExp(x, r * c, c);
      for (let k = 0; k < c; k++) out[r * c + k] = Math.exp(x[r * c + k]! - lse) * w;
      out[r * c + checkLabel(lab[r]!, c, 'softmaxCrossEntropyGrad')]! -= w;
    }
    return tf.tensor(out, logits.shape, 'float32');
  }
  const w = tf.expandDims(g, -1);
  const probs = tf.exp(tf.sub(logits, logSumExp(logits)));
  // rows with g == 0 come out as 0 * finite values = 0
  return tf.mul(tf.sub(probs, oneHotFloat(labels, c)), w);
}

/** Smooth L1 (beta 1) as m * (|x| - m/2), m = min(|x|, 1): exact for both branches, no select. */
function smoothL1(x: tf.Tensor): tf.Tensor {
  const a = tf.abs(x);
  const m = tf.minimum(a, tf.scalar(1));
  return tf.mul(m, tf.sub(a, tf.mul(m, tf.scalar(0.5))));
}

export const fused: LoweringsFor<'softmaxCrossEntropy' | 'softmaxCrossEntropyGrad' | 'smoothL1'> = {
  softmaxCrossEntropy: ([x, labels]) => [softmaxCrossEntropy(x!, labels!)],
  softmaxCrossEntropyGrad: ([x, labels, g]) => [softmaxCrossEntropyGrad(x!, labels!, g!)],
  smoothL1: ([x]) => [smoothL1(x!)],
};
