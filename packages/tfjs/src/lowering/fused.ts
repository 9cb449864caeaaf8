import { dimAt } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { operand } from './broadcast.js';
import { expOfNonPositive } from './exp.js';
import { onHostMemory } from './host-memory.js';
import { shiftMax } from './reductions.js';
import type { BackendTraits } from './traits.js';
import type { LoweringsFor } from './types.js';

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

/** x[row, label[row]] of a [rows, c] host array: one read per row. */
function pickOnHost(x: Float32Array, labels: Int32Array, c: number, op: string): Float32Array {
  const out = new Float32Array(labels.length);
  for (let r = 0; r < labels.length; r++) out[r] = x[r * c + checkLabel(labels[r]!, c, op)]!;
  return out;
}

/**
 * Per-row cross entropy over the last axis. tfjs-wasm: log(sum(exp(x - max))) with its vectorised
 * kernels (the pooled max and sigmoid-based exp of logSoftmax), minus the label's shifted logit picked
 * by a Gather in the heap. tfjs-cpu: one pass over the rows in JavaScript (float64 math), where its kernels would
 * take six. GPU backends: tfjs ops.
 */
function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, traits: BackendTraits): tf.Tensor {
  const c = dimAt(logits.shape, logits.rank - 1);
  const last = logits.rank - 1;
  if (traits.wasm) {
    const shifted = tf.sub(logits, operand('sub', shiftMax(logits, last, traits), logits.shape, traits));
    const lse = tf.log(tf.sum(expOfNonPositive(shifted, traits), last));
    // the label's shifted logit, picked in the wasm heap: reading `shifted` out would copy all of it into
    // fresh JS memory every run (a [16, 8400, 4, 16] tensor: 34 MB per call)
    for (const label of labels.dataSync() as Int32Array) checkLabel(label, c, 'softmaxCrossEntropy');
    const rowStart = tf.mul(tf.range(0, labels.size, 1, 'int32'), tf.scalar(c, 'int32'));
    const at = tf.add(rowStart, tf.reshape(labels, [-1]));
    return tf.sub(lse, tf.reshape(tf.gather(tf.reshape(shifted, [-1]), at), labels.shape));
  }
  if (onHostMemory(traits)) {
    const x = logits.dataSync() as Float32Array;
    const lab = labels.dataSync() as Int32Array;
    const picked = pickOnHost(x, lab, c, 'softmaxCrossEntropy');
    for (let r = 0; r < lab.length; r++) picked[r] = rowLogSumExp(x, r * c, c) - picked[r]!;
    return tf.tensor(picked, labels.shape, 'float32');
  }
  const picked = tf.sum(tf.mul(logits, oneHotFloat(labels, c)), -1);
  return tf.sub(tf.squeeze(logSumExp(logits), [logits.rank - 1]), picked);
}

/**
 * (softmax - onehot(label)) * g, 0 on rows where g == 0. Host-memory backends visit only the rows with
 * g != 0 (a few hundred of a [B,P] loss's rows): those rows are gathered, computed on the host (float64
 * math) and scattered into zeros by the backend's ScatterNd. GPU backends compute it densely in two passes.
 */
function softmaxCrossEntropyGrad(logits: tf.Tensor, labels: tf.Tensor, g: tf.Tensor, traits: BackendTraits): tf.Tensor {
  const c = dimAt(logits.shape, logits.rank - 1);
  if (onHostMemory(traits)) {
    const gr = g.dataSync() as Float32Array;
    const lab = labels.dataSync() as Int32Array;
    const rows: number[] = [];
    for (let r = 0; r < gr.length; r++) if (gr[r] !== 0) rows.push(r);
    if (rows.length === 0) return tf.zeros(logits.shape);
    const at = tf.tensor1d(rows, 'int32');
    const x = tf.gather(tf.reshape(logits, [-1, c]), at).dataSync() as Float32Array; // [S, C]
    const upd = new Float32Array(rows.length * c);
    rows.forEach((r, s) => {
      const w = gr[r]!;
      const lse = rowLogSumExp(x, s * c, c);
      for (let k = 0; k < c; k++) upd[s * c + k] = Math.exp(x[s * c + k]! - lse) * w;
      upd[s * c + checkLabel(lab[r]!, c, 'softmaxCrossEntropyGrad')]! -= w;
    });
    const scattered = tf.scatterND(tf.reshape(at, [rows.length, 1]), tf.tensor2d(upd, [rows.length, c]), [
      gr.length,
      c,
    ]);
    return tf.reshape(scattered, logits.shape);
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
  softmaxCrossEntropy: ([x, labels], _, ctx) => [softmaxCrossEntropy(x, labels, ctx.traits)],
  softmaxCrossEntropyGrad: ([x, labels, g], _, ctx) => [softmaxCrossEntropyGrad(x, labels, g, ctx.traits)],
  smoothL1: ([x]) => [smoothL1(x)],
};
