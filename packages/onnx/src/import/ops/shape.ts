import type { Tensor } from '@lossgraph/core';
import { type Converted, type ConverterTable, hostValue, IR_DTYPE, type NodeContext, tensorValue } from '../context.js';
import { broadcastShape, concatHost, gatherHost, mapHost, transposeHost } from '../host-ops.js';
import { type HostTensor, hostInts, hostTensor, kindOf, sizeOfShape } from '../host-tensor.js';

/** Applies a shape-only change to input 0, known or not. */
function reshaped(ctx: NodeContext, shape: readonly number[]): Converted {
  const v = ctx.input(0);
  if (v.kind === 'host') {
    if (sizeOfShape(shape) !== v.host.data.length) ctx.fail(`cannot reshape [${v.host.shape}] to [${shape}]`);
    return [hostValue({ ...v.host, shape: [...shape] })];
  }
  return [v.tensor.reshape(shape)];
}

/** ONNX Reshape's target: 0 copies the input dim (unless allowzero), -1 takes what is left. */
function reshapeTarget(ctx: NodeContext): number[] {
  const input = ctx.shape(0);
  const allowZero = ctx.attrs.int('allowzero', 0) === 1;
  const target = ctx
    .ints(1)
    .map((d, i) => (d === 0 && !allowZero ? (input[i] ?? ctx.fail(`dim ${i} copies a missing dim`)) : d));
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = sizeOfShape(input);
  const free = target.filter((d) => d === -1).length;
  if (free > 1) ctx.fail(`shape [${target}] has more than one -1`);
  if (free === 1) {
    if (known === 0 || total % known !== 0) ctx.fail(`cannot reshape [${input}] to [${target}]`);
    return target.map((d) => (d === -1 ? total / known : d));
  }
  if (known !== total) ctx.fail(`cannot reshape [${input}] (${total} elements) to [${target}]`);
  return target;
}

/** Unsqueeze's output shape for axes (normalised against the output rank). */
function unsqueezeShape(ctx: NodeContext, shape: readonly number[], axes: readonly number[]): number[] {
  const rank = shape.length + axes.length;
  const at = new Set(axes.map((a) => ctx.axis(a, rank)));
  if (at.size !== axes.length) ctx.fail(`repeated axes [${axes}]`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : (shape[k++] ?? 1));
  return out;
}

/** Resolved [start, end, step] of each sliced axis, clamped as ONNX Slice does. */
function sliceRanges(ctx: NodeContext, shape: readonly number[]): Map<number, number[]> {
  const starts = ctx.ints(1);
  const ends = ctx.ints(2);
  const axes = ctx.optional(3) ? ctx.ints(3) : starts.map((_, i) => i);
  const steps = ctx.optional(4) ? ctx.ints(4) : starts.map(() => 1);
  const ranges = new Map<number, number[]>();
  axes.forEach((a, i) => {
    const axis = ctx.axis(a, shape.length);
    const dim = shape[axis] ?? 0;
    const step = steps[i] ?? 1;
    if (step === 0) ctx.fail('a step of 0');
    const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const start = step > 0 ? norm(starts[i] ?? 0, 0, dim) : norm(starts[i] ?? 0, 0, dim - 1);
    const end = step > 0 ? norm(ends[i] ?? dim, 0, dim) : norm(ends[i] ?? -1, -1, dim - 1);
    const idx: number[] = [];
    for (let k = start; step > 0 ? k < end : k > end; k += step) idx.push(k);
    ranges.set(axis, idx);
  });
  return ranges;
}

function isContiguous(idx: readonly number[]): boolean {
  return idx.length > 0 && idx.every((k, i) => k === (idx[0] ?? 0) + i);
}

/** x restricted to `idx` along `axis`: a slice when contiguous, else a gather of constant indices. */
function take(ctx: NodeContext, x: Tensor, axis: number, idx: readonly number[]): Tensor {
  if (idx.length === (x.shape[axis] as number) && isContiguous(idx) && idx[0] === 0) return x;
  if (isContiguous(idx)) return x.slice(axis, idx[0] ?? 0, (idx[0] ?? 0) + idx.length);
  if (idx.length === 0) ctx.unsupported('producing an empty tensor is not supported');
  return x.gather(ctx.b.constant([...idx], 'int32'), axis);
}

function splitSizes(ctx: NodeContext, dim: number): number[] {
  const given = ctx.optional(1);
  const n = ctx.node.outputs.length;
  if (given !== undefined) return ctx.ints(1);
  const per = Math.ceil(dim / n);
  return Array.from({ length: n }, (_, i) => Math.max(0, Math.min(per, dim - per * i)));
}

function castKind(ctx: NodeContext) {
  const to = ctx.attrs.int('to', 1);
  return kindOf(to) ?? ctx.unsupported(`to element type ${to} is not supported`);
}

export const SHAPE_OPS: ConverterTable = {
  Constant: {
    fold: (ctx) => {
      const t = ctx.attrs.tensor('value');
      if (t !== undefined) return [t];
      if (ctx.attrs.has('value_float')) return [hostTensor('float', [], [ctx.attrs.float('value_float', 0)])];
      if (ctx.attrs.has('value_int')) return [hostTensor('int', [], [ctx.attrs.int('value_int', 0)])];
      const floats = ctx.node.attributes.get('value_floats')?.floats;
      if (floats) return [hostTensor('float', [floats.length], floats)];
      const ints = ctx.attrs.ints('value_ints');
      if (ints) return [hostInts(ints)];
      return ctx.unsupported('without a numeric value is not supported');
    },
  },
  ConstantOfShape: {
    constantInputs: [0],
    fold: (ctx) => {
      const shape = ctx.ints(0);
      const value = ctx.attrs.tensor('value') ?? hostTensor('float', [1], [0]);
      return [hostTensor(value.kind, shape, new Float64Array(ctx.foldedSize(shape)).fill(value.data[0] ?? 0))];
    },
  },
  Shape: {
    convert: (ctx) => {
      const shape = ctx.shape(0);
      const norm = (v: number) => Math.min(Math.max(v < 0 ? v + shape.length : v, 0), shape.length);
      const start = norm(ctx.attrs.int('start', 0));
      const end = norm(ctx.attrs.int('end', shape.length));
      return [hostValue(hostInts(shape.slice(start, end)))];
    },
  },
  Size: { convert: (ctx) => [hostValue(hostTensor('int', [], [sizeOfShape(ctx.shape(0))]))] },
  Range: {
    constantInputs: [0, 1, 2],
    fold: (ctx) => {
      const [start = 0] = ctx.ints(0);
      const [limit = 0] = ctx.ints(1);
      const [delta = 1] = ctx.ints(2);
      if (delta === 0) ctx.fail('a delta of 0');
      const n = ctx.foldedSize([Math.max(Math.ceil((limit - start) / delta), 0)]);
      return [
        hostTensor(
          ctx.host(0).kind,
          [n],
          Array.from({ length: n }, (_, i) => start + i * delta),
        ),
      ];
    },
  },
  Cast: {
    fold: (ctx) => {
      const kind = castKind(ctx);
      const x = ctx.host(0);
      const data = kind === 'float' ? x.data : x.data.map((v) => (kind === 'bool' ? (v !== 0 ? 1 : 0) : Math.trunc(v)));
      return [{ kind, shape: x.shape, data }];
    },
    convert: (ctx) => {
      const x = ctx.tensor(0);
      const dtype = IR_DTYPE[castKind(ctx)];
      return [x.dtype === dtype ? x : x.cast(dtype)];
    },
  },
  Reshape: {
    constantInputs: [1],
    convert: (ctx) => reshaped(ctx, reshapeTarget(ctx)),
  },
  Flatten: {
    convert: (ctx) => {
      const shape = ctx.shape(0);
      const axis = ctx.attrs.int('axis', 1);
      const a = axis < 0 ? axis + shape.length : axis;
      if (a < 0 || a > shape.length) ctx.fail(`axis ${axis} is out of range for rank ${shape.length}`);
      return reshaped(ctx, [sizeOfShape(shape.slice(0, a)), sizeOfShape(shape.slice(a))]);
    },
  },
  Unsqueeze: {
    constantInputs: [1],
    convert: (ctx) => reshaped(ctx, unsqueezeShape(ctx, ctx.shape(0), ctx.ints(1))),
  },
  Squeeze: {
    constantInputs: [1],
    convert: (ctx) => {
      const shape = ctx.shape(0);
      const axes = ctx.optional(1)
        ? ctx.ints(1).map((a) => ctx.axis(a, shape.length))
        : shape.flatMap((d, i) => (d === 1 ? [i] : []));
      for (const a of axes) if (shape[a] !== 1) ctx.fail(`cannot squeeze axis ${a} of size ${shape[a]}`);
      return reshaped(
        ctx,
        shape.filter((_, i) => !axes.includes(i)),
      );
    },
  },
  Transpose: {
    convert: (ctx) => {
      const rank = ctx.shape(0).length;
      const perm = ctx.attrs.ints('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
      const v = ctx.input(0);
      return [v.kind === 'host' ? hostValue(transposeHost(v.host, perm)) : v.tensor.transpose(perm)];
    },
  },
  Concat: {
    fold: (ctx) => {
      const parts = Array.from({ length: ctx.inputCount }, (_, i) => ctx.host(i));
      return [concatHost(parts, ctx.axis(ctx.attrs.int('axis', 0), parts[0]?.shape.length ?? 1))];
    },
    convert: (ctx) => {
      const parts = Array.from({ length: ctx.inputCount }, (_, i) => ctx.tensor(i));
      return [ctx.b.concat(parts, ctx.axis(ctx.attrs.int('axis', 0), parts[0]?.rank ?? 1))];
    },
  },
  Gather: {
    convert: (ctx) => {
      const shape = ctx.shape(0);
      const axis = ctx.axis(ctx.attrs.int('axis', 0), shape.length);
      const size = shape[axis] ?? 0;
      const iv = ctx.input(1);
      const data = ctx.input(0);
      if (iv.kind === 'host') {
        const idx = Array.from(iv.host.data, (k) => (k < 0 ? k + size : k));
        if (idx.some((k) => k < 0 || k >= size)) ctx.fail(`indices [${Array.from(iv.host.data)}] out of range ${size}`);
        if (data.kind === 'host') return [hostValue(gatherHost(data.host, axis, idx, iv.host.shape))];
        return [data.tensor.gather(ctx.b.constant(idx, 'int32', iv.host.shape), axis)];
      }
      return [ctx.tensor(0).gather(iv.tensor.dtype === 'int32' ? iv.tensor : iv.tensor.cast('int32'), axis)];
    },
  },
  Slice: {
    constantInputs: [1, 2, 3, 4],
    convert: (ctx) => {
      const shape = ctx.shape(0);
      const ranges = sliceRanges(ctx, shape);
      const v = ctx.input(0);
      if (v.kind === 'host') {
        let h: HostTensor = v.host;
        for (const [axis, idx] of ranges) h = gatherHost(h, axis, idx, [idx.length]);
        return [hostValue(h)];
      }
      let x = v.tensor;
      for (const [axis, idx] of ranges) x = take(ctx, x, axis, idx);
      return [tensorValue(x)];
    },
  },
  Split: {
    constantInputs: [1],
    convert: (ctx) => {
      const shape = ctx.shape(0);
      const axis = ctx.axis(ctx.attrs.int('axis', 0), shape.length);
      const sizes = splitSizes(ctx, shape[axis] ?? 0);
      if (sizes.length !== ctx.node.outputs.length || sizes.reduce((a, b) => a + b, 0) !== shape[axis]) {
        ctx.fail(`split [${sizes}] does not cut axis ${axis} of size ${shape[axis]} into ${ctx.node.outputs.length}`);
      }
      const v = ctx.input(0);
      let start = 0;
      return sizes.map((n) => {
        const idx = Array.from({ length: n }, (_, i) => start + i);
        start += n;
        return v.kind === 'host'
          ? hostValue(gatherHost(v.host, axis, idx, [n]))
          : tensorValue(take(ctx, v.tensor, axis, idx));
      });
    },
  },
  Expand: {
    constantInputs: [1],
    convert: (ctx) => {
      const shape = broadcastShape(ctx.shape(0), ctx.ints(1));
      if (shape === undefined) return ctx.fail(`[${ctx.shape(0)}] does not broadcast to [${ctx.ints(1)}]`);
      const v = ctx.input(0);
      if (v.kind === 'host') {
        const zeros = hostTensor(v.host.kind, shape, new Float64Array(ctx.foldedSize(shape)));
        return [hostValue(mapHost(v.host.kind, [v.host, zeros], (a) => a) ?? ctx.fail('cannot expand'))];
      }
      return [v.tensor.expand(shape)];
    },
  },
};
