import type { Dim } from '@lossgraph/core';
import { ONNX_ELEM_TYPE } from '../dtypes.js';
import type { OnnxEmitter } from '../emitter.js';
import type { OutputSlot } from './context.js';

/**
 * Forms of a few ONNX ops for onnxruntime-web's WebGPU provider, which has no kernel for them (or not for
 * these types) and would run them on the CPU: each helper writes the plain op for other providers.
 */

type Out = OutputSlot | 'float32' | 'int32' | 'bool';

/** LogSoftmax along `axis`; on WebGPU x - max - log(sum(exp(x - max))), the max taken for stability. */
export function logSoftmax(e: OnnxEmitter, x: string, axis: number, out: Out): string {
  if (!e.webgpu) return e.op('LogSoftmax', [x], out, { axis });
  const axes = e.int64s([axis]);
  const shifted = e.op('Sub', [x, e.op('ReduceMax', [x, axes], 'float32', { keepdims: 1 })], 'float32');
  const sum = e.op('ReduceSum', [e.op('Exp', [shifted], 'float32'), axes], 'float32', { keepdims: 1 });
  return e.op('Sub', [shifted, e.op('Log', [sum], 'float32')], out);
}

/** Or of two bool tensors; on WebGPU not(not a and not b). */
export function or(e: OnnxEmitter, a: string, b: string, out: Out): string {
  if (!e.webgpu) return e.op('Or', [a, b], out);
  const neither = e.op('And', [e.op('Not', [a], 'bool'), e.op('Not', [b], 'bool')], 'bool');
  return e.op('Not', [neither], out);
}

/**
 * Where with bool branches on WebGPU: the branches as 0/1 floats, a float Where, then `> 0`. onnxruntime-web
 * 1.30's WebGPU provider (SwiftShader) gave wrong values for the bool form, (c and a) or (not c and b), inside
 * a one-truth-per-anchor choice (condition [B, 1, A] broadcast over [B, M, A]: a 0 where c = 0 and b = 1), though
 * not for the same node with the same values alone; apps/bench/scripts/webgpu-bisect.ts finds the node.
 */
export function boolWhere(e: OnnxEmitter, cond: string, a: string, b: string, out: OutputSlot): string {
  const picked = e.op('Where', [cond, e.cast(a, 'float32'), e.cast(b, 'float32')], 'float32');
  return e.op('Greater', [picked, e.scalar('float32', 0)], out);
}

/**
 * int64 indices (ArgMax, TopK) as the IR's int32. WebGPU has no int64 Cast in onnxruntime-web's default
 * (int64-off) mode: the indices pick from a float 0..n-1 instead, cast to int32 (exact for n <= 2^24).
 */
export function indicesToInt32(e: OnnxEmitter, indices: string, n: Dim, out: OutputSlot): string {
  if (!e.webgpu) return e.cast(indices, 'int32', out.name);
  const iota = e.op('Range', [e.scalar('float32', 0), e.dimScalar(n, 'float32'), e.scalar('float32', 1)], 'float32');
  return e.op('Cast', [e.op('Gather', [iota, indices], 'float32', { axis: 0 })], out, { to: ONNX_ELEM_TYPE.int32 });
}

/** Sign of float or int32 `x`; on WebGPU (x > 0) - (x < 0), which also gives the IR's 0 for NaN. */
export function sign(e: OnnxEmitter, x: string, out: OutputSlot | 'float32'): string {
  if (!e.webgpu) return e.op('Sign', [x], out);
  const dtype = e.dtypeOf(x);
  const zero = e.scalar(dtype, 0);
  const positive = e.cast(e.op('Greater', [x, zero], 'bool'), dtype);
  const negative = e.cast(e.op('Less', [x, zero], 'bool'), dtype);
  return e.op('Sub', [positive, negative], out);
}

/**
 * Conv of x [N, C, h, w] with w [O, C, kh, kw], `attrs` ONNX's. onnxruntime-web's WebGPU Conv gives wrong
 * values for some ungrouped input channel counts that are not a multiple of 4 (9 and 27 wrong, 3 and 5 right,
 * onnxruntime-web 1.30 on SwiftShader): there both are padded with zero channels to a multiple of 4, which
 * only adds zero products.
 */
export function conv(
  e: OnnxEmitter,
  x: string,
  w: string,
  channels: Dim | undefined,
  attrs: Readonly<Record<string, number | readonly number[]>> & { readonly group: number },
  out: OutputSlot | 'float32',
): string {
  let [xs, ws] = [x, w];
  if (e.webgpu && attrs.group === 1 && typeof channels === 'number' && channels % 4 !== 0) {
    const pads = e.int64s([0, 0, 0, 0, 0, 4 - (channels % 4), 0, 0]);
    xs = e.op('Pad', [x, pads], 'float32');
    ws = e.op('Pad', [w, pads], 'float32');
  }
  return e.op('Conv', [xs, ws], out, attrs);
}

/**
 * ConvTranspose of z [N, K, h, w] with w [K, C/group, kh, kw], `attrs` ONNX's. onnxruntime-web's WebGPU
 * ConvTranspose gave wrong values in the groups after the first for group 2 and 3 with one output channel per
 * group (the input gradients of depthwise convs; two per group came out right; onnxruntime-web 1.30 on
 * SwiftShader, found with apps/bench/scripts/webgpu-bisect.ts): on WebGPU every grouped one runs as one
 * ungrouped ConvTranspose per group, of its channel slices, and the groups' outputs are concatenated.
 */
export function convTranspose(
  e: OnnxEmitter,
  z: string,
  w: string,
  inChannels: Dim | undefined,
  attrs: Readonly<Record<string, number | readonly number[]>> & { readonly group: number },
  out: OutputSlot | 'float32',
): string {
  const { group } = attrs;
  if (!e.webgpu || group === 1) return e.op('ConvTranspose', [z, w], out, attrs);
  if (typeof inChannels !== 'number') throw new Error('onnx lowering: a grouped ConvTranspose needs static channels');
  const per = inChannels / group;
  const parts = Array.from({ length: group }, (_, g) => {
    const channelsOf = (t: string, axis: number) =>
      e.op('Slice', [t, e.int64s([g * per]), e.int64s([(g + 1) * per]), e.int64s([axis])], 'float32');
    return e.op('ConvTranspose', [channelsOf(z, 1), channelsOf(w, 0)], 'float32', { ...attrs, group: 1 });
  });
  return e.op('Concat', parts, out, { axis: 1 });
}
