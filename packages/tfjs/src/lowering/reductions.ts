import { dimAt } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { operand } from './broadcast.js';
import { expOfNonPositive } from './exp.js';
import type { BackendTraits } from './traits.js';
import type { LoweringsFor } from './types.js';

/** The permutation that swaps `axis` with the last axis (its own inverse), or null when it is last. */
export function toLastAxis(rank: number, axis: number): number[] | null {
  if (axis === rank - 1) return null;
  const perm = [...Array(rank).keys()];
  perm[axis] = rank - 1;
  perm[rank - 1] = axis;
  return perm;
}

/** Runs `f` (which works along the last axis) along `axis`. */
export function alongAxis(x: tf.Tensor, axis: number, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  const perm = toLastAxis(x.rank, axis);
  return perm === null ? f(x) : tf.transpose(f(tf.transpose(x, perm)), perm);
}

/**
 * The maximum along `axis` (kept as size 1), to shift by before exp. tfjs-wasm's Max is a scalar loop
 * over each row; XNNPACK's max pooling (the axis moved to the front, the other dims as channels) is
 * about 3x faster even with the transpose. Only for the shift: a row holding NaN gives NaN either way.
 */
export function shiftMax(x: tf.Tensor, axis: number, traits: BackendTraits): tf.Tensor {
  const size = dimAt(x.shape, axis);
  if (!traits.wasm || x.size === 0) return tf.max(x, axis, true);
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const front = tf.reshape(tf.transpose(tf.reshape(x, [outer, size, x.size / size / outer]), [1, 0, 2]), [
    1,
    size,
    1,
    x.size / size,
  ]) as tf.Tensor4D;
  return tf.reshape(
    tf.maxPool(front, [size, 1], [size, 1], 'valid'),
    x.shape.map((d, i) => (i === axis ? 1 : d)),
  );
}

type ReductionOp = 'reduceSum' | 'reduceMax' | 'argMax' | 'logSoftmax' | 'cumsum';

export const reductions: LoweringsFor<ReductionOp> = {
  reduceSum: ([x], { axes, keepDims }) => [axes.length === 0 ? tf.clone(x) : tf.sum(x, [...axes], keepDims)],
  reduceMax: ([x], { axes, keepDims }) => [axes.length === 0 ? tf.clone(x) : tf.max(x, [...axes], keepDims)],
  // tfjs ArgMax (cpu, wasm) keeps the first maximum: the IR's lowest-index tie rule
  argMax: ([x], { axis, keepDims }) => {
    const i = tf.argMax(x, axis);
    return [keepDims ? tf.expandDims(i, axis) : i];
  },
  // x - max - log(sum(exp(x - max))) along `axis` (tf.logSoftmax: last axis only, and slow broadcasts)
  logSoftmax: ([x], { axis }, { traits }) => {
    const shape = x.shape;
    const shifted = tf.sub(x, operand('sub', shiftMax(x, axis, traits), shape, traits));
    const lse = tf.log(tf.sum(expOfNonPositive(shifted, traits), axis, true));
    return [tf.sub(shifted, operand('sub', lse, shape, traits))];
  },
  cumsum: ([x], { axis, exclusive, reverse }) => [tf.cumsum(x, axis, exclusive, reverse)],
};
