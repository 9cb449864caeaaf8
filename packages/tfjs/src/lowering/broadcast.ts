import * as tf from '@tensorflow/tfjs-core';
import { expandOnHost } from './on-host.js';
import type { BackendTraits } from './traits.js';

/**
 * Broadcasting that stays fast on tfjs-cpu and tfjs-wasm. Their kernels broadcast quickly only when the
 * smaller operand is a suffix of the output shape (index `i % size`); any other pattern, and Tile (what
 * tf.broadcastTo and tf.where use), computes a multi-index per element — about 20x slower. XNNPACK's
 * float add/sub/mul/div on wasm are the exception. GPU backends broadcast in their shaders, so there
 * every kernel gets its operands as they are.
 */

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `shape` without its leading 1s. */
function core(shape: readonly number[]): number[] {
  const first = shape.findIndex((d) => d !== 1);
  return first < 0 ? [] : shape.slice(first);
}

/** True when `shape` (leading 1s aside) equals the trailing dims of `out`: the fast `i % size` pattern. */
function isSuffix(shape: readonly number[], out: readonly number[]): boolean {
  const c = core(shape);
  return c.length <= out.length && c.every((d, i) => d === out[out.length - c.length + i]);
}

/** float ops that tfjs-wasm runs through XNNPACK, which broadcasts any pattern fast */
const WASM_XNN = new Set(['add', 'sub', 'mul', 'div']);

/** output rows at least this long make one host fill or copy per row cheaper than the wasm routes */
const MIN_HOST_RUN = 64;

export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'other';

/** Whether the active backend's kernel for `op` handles this operand's broadcast fast as it is. */
function broadcastsFast(op: BinaryKind, x: tf.Tensor, out: readonly number[], traits: BackendTraits): boolean {
  if (sameShape(x.shape, out) || isSuffix(x.shape, out)) return true;
  if (!traits.slowBroadcast) return true;
  return traits.wasm && x.dtype === 'float32' && WASM_XNN.has(op);
}

/** The stretched blocks of dims ([start, end) runs where x has 1 and `shape` more) of `x` padded to `shape`'s rank. */
function stretchedBlocks(xShape: readonly number[], shape: readonly number[]): [number, number][] {
  const cur = [...Array(shape.length - xShape.length).fill(1), ...xShape];
  const blocks: [number, number][] = [];
  for (let i = 0; i < shape.length; i++) {
    if (cur[i] !== 1 || shape[i] === 1) continue;
    const start = i;
    while (i < shape.length && cur[i] === 1 && shape[i] !== 1) i++;
    blocks.push([start, i]);
  }
  return blocks;
}

/**
 * Float `x` broadcast to `shape` with one matMul by ones per stretched block of dims (x viewed as
 * [O, 1, I] times ones [1, R, 1]): exact, as each output is one product by 1, except that -0 becomes +0.
 */
function expandByMatMul(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  let cur = [...Array(shape.length - x.rank).fill(1), ...x.shape];
  let t = x;
  for (const [start, end] of stretchedBlocks(x.shape, shape)) {
    const [o, r, n] = [product(cur.slice(0, start)), product(shape.slice(start, end)), product(cur.slice(end))];
    if (n === 1) t = tf.matMul(tf.reshape(t, [o, 1]), tf.fill([1, r], 1));
    else if (o === 1) t = tf.matMul(tf.fill([r, 1], 1), tf.reshape(t, [1, n]));
    else t = tf.matMul(tf.fill([1, r, 1], 1), tf.reshape(t, [o, 1, n]));
    cur = [...cur.slice(0, start), ...shape.slice(start, end), ...cur.slice(end)];
  }
  return tf.reshape(t, [...shape]);
}

/**
 * `x` (any dtype) broadcast along its one stretched block of R dims: R copies stacked, then one
 * transpose. Exact, and on tfjs-wasm two fast passes where int32 by matMul takes about ten.
 */
function expandByStacking(x: tf.Tensor, shape: readonly number[], [start, end]: [number, number]): tf.Tensor {
  const cur = [...Array(shape.length - x.rank).fill(1), ...x.shape];
  const [o, r, n] = [product(cur.slice(0, start)), product(shape.slice(start, end)), product(cur.slice(end))];
  const flat = tf.reshape(x, [o, n]);
  const stacked = tf.stack(Array.from({ length: r }, () => flat)); // [r, o, n]
  return tf.reshape(tf.transpose(stacked, [1, 0, 2]), [...shape]);
}

/** Up to this many copies, tfjs-wasm broadcasts non-float tensors by stacking (see expandByStacking). */
const MAX_STACKED_COPIES = 64;

/**
 * Int32 `x` broadcast by matMul, exactly: float32 holds integers up to 2^24 only, so the high and low
 * 16 bits travel separately and are put back together in int32.
 */
function expandIntByMatMul(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const base = tf.scalar(65536, 'int32');
  const hi = tf.floorDiv(x, base);
  const lo = tf.sub(x, tf.mul(hi, base));
  const back = (part: tf.Tensor) => tf.cast(expandByMatMul(tf.cast(part, 'float32'), shape), 'int32');
  return tf.add(tf.mul(back(hi), base), back(lo));
}

/** `x` broadcast to `shape` (numpy rules), by the fastest exact route the active backend offers. */
export function expandTo(x: tf.Tensor, shape: readonly number[], traits: BackendTraits): tf.Tensor {
  const target = [...shape];
  if (sameShape(x.shape, target)) return tf.clone(x);
  if (!traits.slowBroadcast) return tf.broadcastTo(x, target);
  if (isSuffix(x.shape, target)) {
    const c = tf.reshape(x, core(x.shape));
    return x.dtype === 'bool' ? tf.logicalAnd(tf.fill(target, 1, 'bool'), c) : tf.mul(tf.fill(target, 1, x.dtype), c);
  }
  // tfjs-cpu's matMul and transposes are JS loops too: one host pass is fastest, and exact for every dtype;
  // on wasm too for integers and booleans written in long runs (one fill per run, no int32 split)
  if (traits.name === 'cpu' || (x.dtype !== 'float32' && (target.at(-1) ?? 0) >= MIN_HOST_RUN))
    return expandOnHost(x, target);
  if (x.dtype === 'float32') return expandByMatMul(x, target);
  const blocks = stretchedBlocks(x.shape, target);
  const [block] = blocks;
  if (traits.wasm && blocks.length === 1 && block && product(target.slice(block[0], block[1])) <= MAX_STACKED_COPIES) {
    return expandByStacking(x, target, block);
  }
  if (x.dtype === 'bool') return tf.cast(expandByMatMul(tf.cast(x, 'float32'), target), 'bool');
  return expandIntByMatMul(x, target);
}

/** `x` ready for a broadcasting kernel computing `op` into `out`: as is, or expanded first when that is faster. */
export function operand(op: BinaryKind, x: tf.Tensor, out: readonly number[], traits: BackendTraits): tf.Tensor {
  return broadcastsFast(op, x, out, traits) ? x : expandTo(x, out, traits);
}

/**
 * `x` at exactly the shape `out` (for kernels that need equal shapes, such as tf.where's Select). A
 * uniform `x` (every element `uniform`, known before the run) becomes a fill.
 */
export function fullShape(
  x: tf.Tensor,
  out: readonly number[],
  uniform: number | undefined,
  traits: BackendTraits,
): tf.Tensor {
  if (sameShape(x.shape, out)) return x;
  return uniform === undefined ? expandTo(x, out, traits) : tf.fill([...out], uniform, x.dtype);
}
