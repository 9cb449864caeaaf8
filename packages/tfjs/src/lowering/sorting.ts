import { dimAt, resolveDim } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { readNow } from './host-read.js';
import { toLastAxis } from './reductions.js';
import type { LoweringsFor } from './types.js';

/**
 * The k largest (or smallest) along `axis`, ties lower index first. tfjs TopK works on the last axis;
 * on cpu and wasm it orders ties by index (the conformance suite's tie cases check it). Smallest: TopK of -x.
 */
function topk(x: tf.Tensor, k: number, axis: number, largest: boolean): tf.Tensor[] {
  // along the last axis and back (the permutation that moves `axis` last is its own inverse)
  const perm = toLastAxis(x.rank, axis);
  const back = (t: tf.Tensor) => (perm === null ? t : tf.transpose(t, perm));
  const r = tf.topk(largest ? back(x) : tf.neg(back(x)), k, true);
  return [back(largest ? r.values : tf.neg(r.values)), back(r.indices)];
}

export const sorting: LoweringsFor<'topk' | 'sort'> = {
  // a tensor k is read now: the outputs' size along `axis` (a data-dependent dim) is its value
  topk: ([x, kTensor], { k, axis, largest }, ctx) => {
    // an empty tensor k reads NaN, which the check below refuses
    const [kk = NaN] =
      kTensor === undefined
        ? [resolveDim(k, ctx.env)]
        : readNow(kTensor, 'topk', 'the value of its tensor k', ctx.traits);
    if (!(Number.isInteger(kk) && kk >= 0 && kk <= dimAt(x.shape, axis)))
      fail('KERNEL_ERROR', `topk: k=${kk} outside [0, ${x.shape[axis]}]`, { op: 'topk' });
    return topk(x, kk, axis, largest);
  },
  sort: ([x], { axis, descending }) => topk(x, dimAt(x.shape, axis), axis, descending),
};
