import { dimAt } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fullShape } from './broadcast.js';
import { onHostMemory } from './host-memory.js';
import { sliceOnHost } from './on-host.js';
import type { BackendTraits } from './traits.js';
import { type LoweringsFor, outShape } from './types.js';

/**
 * tfjs-wasm concatenates row by row in JS (one TypedArray.set per row and input): with many short rows
 * (e.g. [B,P,1] parts) stacking the parts and transposing natively is several times faster.
 */
function concat(
  xs: readonly [tf.Tensor, ...tf.Tensor[]],
  axis: number,
  outShape: readonly number[],
  traits: BackendTraits,
): tf.Tensor {
  const [x0] = xs;
  if (xs.length === 1) return tf.clone(x0);
  const rows = x0.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x0.size / rows;
  const sameParts = xs.every((x) => x.size === rows * inner);
  if (!traits.wasm || rows < 1024 || !sameParts) return tf.concat([...xs], axis);
  const stacked = tf.stack(xs.map((x) => tf.reshape(x, [rows, inner]))); // [n, rows, inner]
  return tf.reshape(tf.transpose(stacked, [1, 0, 2]), [...outShape]);
}

/**
 * Slices with many short runs (a column of [B,P,4], say) on a host-memory backend are one host loop:
 * tfjs-wasm's Slice copies each run with its own call, tfjs-cpu's indexes every element.
 */
function slice(
  x: tf.Tensor,
  axis: number,
  start: number,
  outShape: readonly number[],
  traits: BackendTraits,
): tf.Tensor {
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const run = outShape.slice(axis).reduce((a, b) => a * b, 1);
  if (onHostMemory(traits) && outer > 1 && run <= 64) return sliceOnHost(x, axis, start, dimAt(outShape, axis));
  return tf.slice(
    x,
    x.shape.map((_, i) => (i === axis ? start : 0)),
    [...outShape],
  );
}

type ShapeOp = 'reshape' | 'expand' | 'slice' | 'concat' | 'unsqueeze' | 'squeeze' | 'transpose';

// Output shapes come from the IR's shape rule (ctx.outShapes), symbols already bound.
export const shapeOps: LoweringsFor<ShapeOp> = {
  reshape: ([x], _, ctx) => [tf.reshape(x, [...outShape(ctx)])],
  expand: ([x], _, ctx) => [fullShape(x, outShape(ctx), ctx.uniform[0], ctx.traits)],
  slice: ([x], { axis, start }, ctx) => [slice(x, axis, start, outShape(ctx), ctx.traits)],
  concat: (xs, { axis }, ctx) => [concat(xs, axis, outShape(ctx), ctx.traits)],
  unsqueeze: ([x], { axis }) => [tf.expandDims(x, axis)],
  squeeze: ([x], { axis }) => [tf.squeeze(x, [axis])],
  transpose: ([x], { perm }) => [tf.transpose(x, [...perm])],
};
