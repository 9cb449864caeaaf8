import * as tf from '@tensorflow/tfjs-core';
import { resolveShape } from '@lossgraph/core';
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
  topk: ([x], { k, axis, largest }, ctx) => topk(x!, resolveShape([k], ctx.env)[0]!, axis, largest),
  sort: ([x], { axis, descending }) => topk(x!, x!.shape[axis]!, axis, descending),
};
