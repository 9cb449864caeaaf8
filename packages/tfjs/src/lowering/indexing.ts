import { dimAt, resolveDim } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fail } from '../errors.js';
import { flatPositions } from './flat-index.js';
import { onHostMemory } from './host-memory.js';
import { readNow } from './host-read.js';
import { gatherElementsOnHost, gatherRowsOnHost, scatterElementsOnHost } from './on-host.js';
import type { BackendTraits } from './traits.js';
import type { LoweringsFor } from './types.js';

/**
 * On tfjs-wasm, whether indices touch so few of a large tensor's elements that addressing them in the wasm
 * heap (flat positions, then GatherV2 or TensorScatterUpdate) beats the host loop, which first copies the
 * whole tensor out of the heap into fresh JS memory (for [16, 8400, 80] class scores, 43 MB a run).
 */
function touchesFew(ctx: { readonly traits: BackendTraits }, dataSize: number, indices: tf.Tensor): boolean {
  return ctx.traits.wasm && indices.size * FEW_INDICES <= dataSize;
}
/** `touchesFew` when the data holds at least this many times the indices' count. */
const FEW_INDICES = 4;

/** Fails as the host loops do when an index lies outside [0, size) (the heap routes would not notice). */
function checkIndexRange(idx: tf.Tensor, size: number, op: string): void {
  if (idx.size === 0) return;
  const [lo, hi] = tf.tidy(() => [tf.min(idx).dataSync()[0] ?? 0, tf.max(idx).dataSync()[0] ?? 0]);
  const bad = lo < 0 ? lo : hi >= size ? hi : undefined;
  if (bad !== undefined) fail('KERNEL_ERROR', `${op}: index ${bad} out of range [0, ${size})`, { op });
}

/**
 * ONNX ScatterElements. Wherever values can be read synchronously it is one host loop over the
 * updates (tfjs-webgl's scatter shaders loop over every update for every output element, and tfjs has
 * no max-scatter); data known to be uniform (`scalar(0).expand(shape)`) is filled, not read. Elsewhere
 * (webgpu, and wasm writing few elements into large data it would have to read): flat positions, ScatterNd
 * summing duplicates ('add'), TensorScatterUpdate overwriting ('none').
 */
const scatterElements: LoweringsFor<'scatterElements'>['scatterElements'] = (
  [data, idx, upd],
  { axis, reduction },
  ctx,
) => {
  const d = data;
  const inHeap =
    reduction !== 'max' && d.dtype !== 'bool' && ctx.uniform[0] === undefined && touchesFew(ctx, d.size, idx);
  if (inHeap) checkIndexRange(idx, dimAt(d.shape, axis), 'scatterElements');
  else if (ctx.traits.readsSynchronously || reduction === 'max') {
    const indices = readNow(idx, 'scatterElements', 'its indices', ctx.traits);
    return [
      scatterElementsOnHost(
        d,
        indices,
        upd.dataSync() as Float32Array | Int32Array,
        idx.shape,
        axis,
        reduction,
        ctx.uniform[0],
      ),
    ];
  }
  const pos = tf.expandDims(flatPositions(idx, d.shape, axis), 1);
  const u = tf.reshape(upd, [-1]);
  if (reduction === 'add') {
    const scattered = tf.reshape(tf.scatterND(pos, u, [d.size]), d.shape);
    // into zeros (a VJP's usual `scalar(0).expand(shape)`): ScatterNd alone
    return [Object.is(ctx.uniform[0], 0) ? scattered : tf.add(d, scattered)];
  }
  // tfjs-backend-cpu's TensorScatterUpdate writes into its input's buffer: give it a copy
  const copy = tf.mul(tf.reshape(d, [-1]), tf.scalar(1, d.dtype));
  return [tf.reshape(tf.tensorScatterUpdate(copy, pos, u), d.shape)];
};

const CONSTANT_ARRAYS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

type IndexingOp =
  | 'gather'
  | 'gatherRows'
  | 'gatherElements'
  | 'scatterElements'
  | 'oneHot'
  | 'range'
  | 'constant'
  | 'stopGradient';

export const indexing: LoweringsFor<IndexingOp> = {
  gather: ([x, idx], { axis }) => [tf.gather(x, idx, axis)],
  // tf.gather with batchDims 1 (host loop on host-memory backends, where tfjs-wasm's Gather is slow)
  gatherRows: ([x, idx], _, ctx) => [onHostMemory(ctx.traits) ? gatherRowsOnHost(x, idx) : tf.gather(x, idx, 1, 1)],
  gatherElements: ([x, idx], { axis }, ctx) => {
    const inHeap = touchesFew(ctx, x.size, idx);
    if (inHeap) checkIndexRange(idx, dimAt(x.shape, axis), 'gatherElements');
    return [
      onHostMemory(ctx.traits) && !inHeap
        ? gatherElementsOnHost(x, idx, axis)
        : tf.reshape(tf.gather(tf.reshape(x, [-1]), flatPositions(idx, x.shape, axis)), idx.shape),
    ];
  },
  scatterElements,
  // tfjs-wasm's OneHot writes int bits when asked for float32: take the int32 result and cast; tf.oneHot
  // refuses depth 1 (e.g. one-hot over one truth row or one class), which is idx == 0
  oneHot: ([idx], { depth }, ctx) => {
    const n = resolveDim(depth, ctx.env);
    return [tf.cast(n === 1 ? tf.expandDims(tf.equal(idx, 0), -1) : tf.oneHot(idx, n), 'float32')];
  },
  range: (_, { length }, ctx) => [tf.range(0, resolveDim(length, ctx.env), 1, 'int32')],
  constant: (_, { dtype, shape, values }) => [tf.tensor(CONSTANT_ARRAYS[dtype].from(values), [...shape], dtype)],
  // identity: under apply() the executor keeps ops without a VJP (this one included) off tfjs's tape
  stopGradient: ([x]) => [tf.clone(x)],
};
