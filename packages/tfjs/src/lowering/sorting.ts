import { dimAt, resolveShape } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { readNow } from './host-read.js';
import { alongAxis, toLastAxis } from './reductions.js';
import type { LoweringsFor } from './types.js';

/**
 * The k largest (or smallest) along `axis`, ties lower index first. tfjs TopK works on the last axis;
 * on cpu and wasm it orders ties by index (the conformance suite's tie cases check it). Smallest: TopK of -x.
 */
function topk(x: tf.Tensor, k: number, axis: number, largest: boolean): tf.Tensor[] {
  let indices: tf.Tensor | undefined;
  const values = alongAxis(x, axis, (v) => {
    const r = tf.topk(largest ? v : tf.neg(v), k, true);
    indices = r.indices;
    return largest ? r.values : tf.neg(r.values);
  });
  const perm = toLastAxis(x.rank, axis);
  return [values, perm === null ? indices! : tf.transpose(indices!, perm)];
}

export const sorting: LoweringsFor<'topk' | 'sort'> = {
  // a tensor k is read now: the outputs' size along `axis` (a data-dependent dim) is its value
  topk: ([x, kTensor], { k, axis, largest }, ctx) => {
    const kk =
      kTensor === undefined
        ? resolveShape([k], ctx.env)[0]!
        : readNow(kTensor, 'topk', 'the value of its tensor k', ctx.traits)[0]!;
    if (!(Number.isInteger(kk) && kk >= 0 && kk <= dimAt(x.shape, axis)))
      fail('KERNEL_ERROR', `topk: k=${kk} outside [0, ${x.shape[axis]}]`, { op: 'topk' });
    return topk(x, kk, axis, largest);
  },
  sort: ([x], { axis, descending }) => topk(x, dimAt(x.shape, axis), axis, descending),
};
