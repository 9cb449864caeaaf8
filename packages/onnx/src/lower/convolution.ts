import { type Dim, type OpAttrs, poolDivisors, windowEndPad } from '@lossgraph/core';
import type { OnnxEmitter } from '../emitter.js';
import type { LoweringContext, LoweringTable, OutputSlot } from './context.js';
import { conv, convTranspose } from './webgpu.js';

/*
 * Convolutions, pools and nearest resize in opset-18 ops that onnxruntime's CPU, CUDA and WebGPU providers
 * all run (the CUDA check: packages/onnxruntime-node/test/cuda-coverage.test.ts):
 * - conv2dBackpropInput: a Conv with the flipped, regrouped kernel at stride 1 (onnxruntime's CPU
 *   ConvTranspose is slow), ConvTranspose with the output_padding that gives the input size otherwise;
 * - conv2dBackpropFilter: one Gemm per kernel tap without groups; with groups, one grouped Conv of x
 *   (channels as the batch) with dy as the kernel, strides and dilations swapped;
 * - pools without ceil_mode (the end pads give the exact output size) and without MaxPool's Indices
 *   (WebGPU lacks them): max pooling's gradient is first-maximum masks per tap, sent back through a
 *   ConvTranspose with a one-hot kernel; average pooling is a ones-kernel Conv scaled by static divisors.
 */

type Pair = readonly [number, number];
type ConvAttrs = OpAttrs['conv2d'];
type PoolAttrs = OpAttrs['maxPool2d'];

function numeric(d: Dim | undefined, what: string): number {
  if (typeof d !== 'number') throw new Error(`onnx lowering: ${what} must be static, got ${String(d)}`);
  return d;
}

/** The spatial [H, W] of an NCHW type (numeric by the shape rules). */
function spatial(shape: readonly Dim[]): Pair {
  return [numeric(shape[2], 'height'), numeric(shape[3], 'width')];
}

/** The end pads after which 'valid' windows give exactly `out` (negative: cells to crop). */
function endPads([h, w]: Pair, [ho, wo]: Pair, [kh, kw]: Pair, a: ConvAttrs | PoolAttrs): Pair {
  return [
    windowEndPad(h, ho, kh, a.strides[0], a.dilations[0], a.pads[0]),
    windowEndPad(w, wo, kw, a.strides[1], a.dilations[1], a.pads[1]),
  ];
}

/** Conv's or ConvTranspose's attributes; `pads` [top, left, bottom, right] is also ONNX's order. */
function convNodeAttrs(a: ConvAttrs, kernel: Pair) {
  return {
    kernel_shape: [...kernel],
    strides: [...a.strides],
    dilations: [...a.dilations],
    pads: [...a.pads],
    group: a.group,
  };
}

/**
 * ConvTranspose of z [P, K, ho, wo] with w [K, C/group, kh, kw] onto [P, C, h, w] (`channels` K): the input
 * gradient of the conv `a` over an input of `size`. Its output_padding (below the stride) makes up the rows after the last
 * window.
 */
function convTransposeTo(
  e: OnnxEmitter,
  z: string,
  w: string,
  a: ConvAttrs,
  [kh, kw]: Pair,
  [h, wd]: Pair,
  [ho, wo]: Pair,
  channels: Dim | undefined,
  out: OutputSlot | 'float32',
): string {
  const [pt, pl, pb, pr] = a.pads;
  const outputPadding = [
    h - ((ho - 1) * a.strides[0] - pt - pb + a.dilations[0] * (kh - 1) + 1),
    wd - ((wo - 1) * a.strides[1] - pl - pr + a.dilations[1] * (kw - 1) + 1),
  ];
  if (outputPadding.some((p, i) => p < 0 || p >= (a.strides[i] ?? 1))) {
    throw new Error(`onnx lowering: no ConvTranspose gives ${h} x ${wd} (output_padding [${outputPadding}])`);
  }
  const attrs = { ...convNodeAttrs(a, [kh, kw]), output_padding: outputPadding };
  return convTranspose(e, z, w, channels, attrs, out);
}

/** The conv's input gradient (dy, w) -> dx. */
function backpropInput(c: LoweringContext<'conv2dBackpropInput'>, dy: string, w: string, size: Pair): void {
  const e = c.e;
  const a = c.attrs;
  const [o, cg, kh, kw] = c.inputTypes[1]?.shape ?? [];
  const kernel: Pair = [numeric(kh, 'kernel'), numeric(kw, 'kernel')];
  const dyType = c.inputTypes[0]?.shape ?? [];
  const outSize = spatial(dyType);
  // stride 1 with pads inside the kernel's reach: a plain Conv with the kernel flipped and regrouped
  const reach = [(kernel[0] - 1) * a.dilations[0], (kernel[1] - 1) * a.dilations[1]];
  const flippedPads = [0, 1, 2, 3].map((i) => (reach[i % 2] ?? 0) - (a.pads[i] ?? 0));
  if (a.strides.every((s) => s === 1) && flippedPads.every((p) => p >= 0)) {
    const g = a.group;
    const og = numeric(o, 'output channels') / g;
    const cgn = numeric(cg, 'channels per group');
    // [g·O/g, C/g, k] -> [g·C/g, O/g, k]: a reshape alone where one of the two is 1 ([O, 1] or [1, C/g] blocks)
    let kernelT = w;
    if (og > 1 && cgn > 1) {
      const grouped = e.op('Reshape', [w, e.int64s([g, og, cgn, ...kernel])], 'float32');
      const swapped = e.op('Transpose', [grouped], 'float32', { perm: [0, 2, 1, 3, 4] });
      kernelT = e.op('Reshape', [swapped, e.int64s([g * cgn, og, ...kernel])], 'float32');
    } else if (og > 1 || cgn > 1) {
      kernelT = e.op('Reshape', [w, e.int64s([g * cgn, og, ...kernel])], 'float32');
    }
    const flipped = e.op(
      'Slice',
      [
        kernelT,
        e.int64s([-1, -1]),
        e.int64s([-(kernel[0] + 1), -(kernel[1] + 1)]),
        e.int64s([2, 3]),
        e.int64s([-1, -1]),
      ],
      'float32',
    );
    conv(
      e,
      dy,
      flipped,
      og,
      convNodeAttrs({ ...a, pads: flippedPads as unknown as ConvAttrs['pads'] }, kernel),
      c.out(0),
    );
    return;
  }
  convTransposeTo(e, dy, w, a, kernel, size, outSize, o, c.out(0));
}

/**
 * The filter gradient of an ungrouped conv: per kernel tap, one Gemm of dy [O, N·ho·wo] with the strided slice
 * of x that tap met [C, N·ho·wo]. Faster than the big-kernel Conv below on onnxruntime's CPU at stride 1, and
 * Gemm parallelises well on GPUs.
 */
function filterByTaps(c: LoweringContext<'conv2dBackpropFilter'>, size: Pair, outSize: Pair): void {
  const e = c.e;
  const a = c.attrs;
  const [x = '', dy = ''] = c.inputs;
  const [n, cIn] = c.inputTypes[0]?.shape ?? [];
  const channels = numeric(cIn, 'channels');
  const [, o] = c.inputTypes[1]?.shape ?? [];
  const outChannels = numeric(o, 'output channels');
  const [kh, kw] = a.kernelSize;
  const xt = e.op('Transpose', [x], 'float32', { perm: [1, 0, 2, 3] }); // [C, N, H, W]
  const xp = padded(e, xt, [channels, n ?? 0, ...size], a, a.kernelSize, outSize, 0);
  const dyRows = e.op('Transpose', [dy], 'float32', { perm: [1, 0, 2, 3] });
  const dyMatrix = e.op('Reshape', [dyRows, e.int64s([outChannels, -1])], 'float32'); // [O, N·ho·wo]
  const perTap = taps(e, xp, a, a.kernelSize, outSize).map((t) => {
    const xMatrix = e.op('Reshape', [t, e.int64s([channels, -1])], 'float32');
    const dw = e.op('Gemm', [dyMatrix, xMatrix], 'float32', { transB: 1 }); // [O, C]
    return kh * kw === 1 ? dw : e.op('Unsqueeze', [dw, e.int64s([2])], 'float32');
  });
  const stacked = perTap.length === 1 ? (perTap[0] ?? '') : e.op('Concat', perTap, 'float32', { axis: 2 });
  e.op('Reshape', [stacked, e.int64s([outChannels, channels, kh, kw])], c.out(0));
}

/**
 * The conv's filter gradient (x, dy) -> dw. Grouped (depthwise too): one grouped Conv of x with its channels as
 * the batch and dy as the kernel, strides and dilations swapped.
 */
function backpropFilter(c: LoweringContext<'conv2dBackpropFilter'>): void {
  const e = c.e;
  const a = c.attrs;
  const [x = '', dy = ''] = c.inputs;
  const [n, cIn, h, w] = c.inputTypes[0]?.shape ?? [];
  const [, o, ho, wo] = c.inputTypes[1]?.shape ?? [];
  const g = a.group;
  const size: Pair = [numeric(h, 'height'), numeric(w, 'width')];
  const outSize: Pair = [numeric(ho, 'height'), numeric(wo, 'width')];
  if (g === 1) {
    filterByTaps(c, size, outSize);
    return;
  }
  const cg = numeric(cIn, 'channels') / g;
  const og = numeric(o, 'output channels') / g;
  const xg = e.op('Reshape', [x, e.shape([n ?? 0, g, cg, ...size])], 'float32');
  const xt = e.op('Transpose', [xg], 'float32', { perm: [2, 1, 0, 3, 4] });
  let xs = e.op('Reshape', [xt, e.int64s([cg, -1, ...size])], 'float32'); // [C/g, g·N, H, W]
  const dyg = e.op('Reshape', [dy, e.shape([n ?? 0, g, og, ...outSize])], 'float32');
  const dyt = e.op('Transpose', [dyg], 'float32', { perm: [1, 2, 0, 3, 4] });
  const kernel = e.op('Reshape', [dyt, e.int64s([g * og, -1, ...outSize])], 'float32'); // [O, N, ho, wo]
  const ends = endPads(size, outSize, a.kernelSize, a);
  if (ends.some((p) => p < 0)) {
    const keep = ends.map((p, i) => (size[i] ?? 0) + Math.min(p, 0));
    xs = e.op('Slice', [xs, e.int64s([0, 0]), e.int64s(keep), e.int64s([2, 3])], 'float32');
  }
  const swapped: ConvAttrs = {
    strides: a.dilations,
    dilations: a.strides,
    pads: [a.pads[0], a.pads[1], Math.max(ends[0], 0), Math.max(ends[1], 0)],
    group: g,
  };
  const dwt = e.op('Conv', [xs, kernel], 'float32', convNodeAttrs(swapped, outSize)); // [C/g, O, kh, kw]
  e.op('Transpose', [dwt], c.out(0), { perm: [1, 0, 2, 3] });
}

/** A pool's windows as a conv's: the end pads make floor-mode windows give exactly `out`. */
function poolConv(a: PoolAttrs, size: Pair, out: Pair): ConvAttrs {
  const ends = endPads(size, out, a.kernelSize, a);
  return {
    strides: a.strides,
    dilations: a.dilations,
    pads: [a.pads[0], a.pads[1], Math.max(ends[0], 0), Math.max(ends[1], 0)],
    group: 1,
  };
}

/** The NCHW tensor `x` with `count` rows (axis 2) or columns (axis 3) of `value` before or after it. */
function padWith(
  e: OnnxEmitter,
  x: string,
  shape: readonly Dim[],
  axis: 2 | 3,
  before: number,
  after: number,
  value: number,
): { name: string; shape: Dim[] } {
  if (before <= 0 && after <= 0) return { name: x, shape: [...shape] };
  const block = (count: number) => {
    const blockShape = shape.map((d, i) => (i === axis ? count : i < 2 ? 1 : numeric(d, 'size')));
    const full = shape.map((d, i) => (i === axis ? count : d));
    const values = new Array<number>(blockShape.reduce((p, d) => p * d, 1)).fill(value);
    return e.broadcast(e.constant('float32', blockShape, values), blockShape, full);
  };
  const parts = [...(before > 0 ? [block(before)] : []), x, ...(after > 0 ? [block(after)] : [])];
  const size = numeric(shape[axis], 'size') + Math.max(before, 0) + Math.max(after, 0);
  return { name: e.op('Concat', parts, 'float32', { axis }), shape: shape.map((d, i) => (i === axis ? size : d)) };
}

/**
 * x (NCHW, or any 4-D layout with the spatial axes last) with `begin` rows/columns of `value` before and `end`
 * after each spatial axis, so that 'valid' windows give exactly `out`; a negative end crops cells no window reads.
 */
function padded(
  e: OnnxEmitter,
  x: string,
  shape: readonly Dim[],
  a: ConvAttrs | PoolAttrs,
  [kh, kw]: Pair,
  out: Pair,
  value: number,
): string {
  const ends = endPads(spatial(shape), out, [kh, kw], a);
  const rows = padWith(e, x, shape, 2, a.pads[0], ends[0], value);
  const both = padWith(e, rows.name, rows.shape, 3, a.pads[1], ends[1], value);
  if (ends.every((p) => p >= 0)) return both.name;
  const keep = [0, 1].map((i) => numeric(both.shape[i + 2], 'size') + Math.min(ends[i] ?? 0, 0));
  return e.op('Slice', [both.name, e.int64s([0, 0]), e.int64s(keep), e.int64s([2, 3])], 'float32');
}

/** x padded with -inf (padding never wins a max) and cropped so that 'valid' windows give exactly `out`. */
function maxPadded(e: OnnxEmitter, x: string, shape: readonly Dim[], a: PoolAttrs, out: Pair): string {
  return padded(e, x, shape, a, a.kernelSize, out, Number.NEGATIVE_INFINITY);
}

/**
 * Each window tap of padded x as its own strided Slice [.., .., ho, wo], in row-major window order (a tap
 * that is the whole of x is x itself).
 */
function taps(e: OnnxEmitter, xp: string, a: ConvAttrs | PoolAttrs, [kh, kw]: Pair, [ho, wo]: Pair): string[] {
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && a.pads.every((p) => p === 0)) return [xp];
  const out: string[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const starts = e.int64s([i * dh, j * dw]);
      const ends = e.int64s([i * dh + (ho - 1) * sh + 1, j * dw + (wo - 1) * sw + 1]);
      out.push(e.op('Slice', [xp, starts, ends, e.int64s([2, 3]), e.int64s([sh, sw])], 'float32'));
    }
  }
  return out;
}

/** 1 / divisor of each output cell of avgPool2d, a constant [ho, wo]. */
function inverseDivisors(e: OnnxEmitter, a: OpAttrs['avgPool2d'], size: Pair, out: Pair): string {
  const divisors = poolDivisors(size, out, a, a.countIncludePad);
  return e.constant(
    'float32',
    [...out],
    divisors.map((d) => 1 / d),
  );
}

const ones = (e: OnnxEmitter, [kh, kw]: Pair) => e.constant('float32', [1, 1, kh, kw], new Array(kh * kw).fill(1));

/** The planes of an NCHW tensor as a batch of one channel: [N·C, 1, h, w]. */
const planes = (e: OnnxEmitter, x: string, [h, w]: Pair) => e.op('Reshape', [x, e.int64s([-1, 1, h, w])], 'float32');

export const CONVOLUTION = {
  conv2d: (c) => {
    const [, cg, kh, kw] = c.inputTypes[1]?.shape ?? [];
    const attrs = convNodeAttrs(c.attrs, [numeric(kh, 'kernel'), numeric(kw, 'kernel')]);
    conv(c.e, c.inputs[0] ?? '', c.inputs[1] ?? '', cg, attrs, c.out(0));
  },
  conv2dBackpropInput: (c) => backpropInput(c, c.inputs[0] ?? '', c.inputs[1] ?? '', c.attrs.inputSize),
  conv2dBackpropFilter: backpropFilter,
  convTranspose2d: (c) => {
    const [channels, , kh, kw] = c.inputTypes[1]?.shape ?? [];
    const attrs = {
      ...convNodeAttrs(c.attrs, [numeric(kh, 'kernel'), numeric(kw, 'kernel')]),
      output_padding: [...c.attrs.outputPadding],
    };
    convTranspose(c.e, c.inputs[0] ?? '', c.inputs[1] ?? '', channels, attrs, c.out(0));
  },
  // onnxruntime refuses MaxPool pads as large as the kernel (they fit a dilated one): then x is padded first
  maxPool2d: (c) => {
    const a = c.attrs;
    const xShape = c.inputTypes[0]?.shape ?? [];
    const out = spatial(c.outputTypes[0]?.shape ?? []);
    const { pads } = poolConv(a, spatial(xShape), out);
    const window = { kernel_shape: [...a.kernelSize], strides: [...a.strides], dilations: [...a.dilations] };
    if (pads.every((p, i) => p < (a.kernelSize[i % 2] ?? 0))) {
      c.e.op('MaxPool', c.inputs, c.out(0), { ...window, pads: [...pads] });
      return;
    }
    c.e.op('MaxPool', [maxPadded(c.e, c.inputs[0] ?? '', xShape, a, out)], c.out(0), window);
  },
  // PyTorch's rule: each window's dy goes to its first maximum (row-major). Per tap, a mask of the windows
  // whose first maximum it is; the masked dy of every tap goes back through a one-hot ConvTranspose.
  maxPool2dGrad: (c) => {
    const e = c.e;
    const a = c.attrs;
    const [x = '', dy = ''] = c.inputs;
    const xShape = c.inputTypes[0]?.shape ?? [];
    const size = spatial(xShape);
    const out = spatial(c.inputTypes[1]?.shape ?? []);
    const xp = maxPadded(e, x, xShape, a, out);
    const [kh, kw] = a.kernelSize;
    const y = e.op('MaxPool', [xp], 'float32', {
      kernel_shape: [kh, kw],
      strides: [...a.strides],
      dilations: [...a.dilations],
    });
    let free = '';
    const routed: string[] = [];
    for (const t of taps(e, xp, a, a.kernelSize, out)) {
      const hit = e.cast(e.op('Equal', [t, y], 'bool'), 'float32');
      const first = free === '' ? hit : e.op('Mul', [hit, free], 'float32');
      free =
        free === '' ? e.op('Sub', [e.scalar('float32', 1), hit], 'float32') : e.op('Sub', [free, first], 'float32');
      routed.push(e.op('Unsqueeze', [e.op('Mul', [dy, first], 'float32'), e.int64s([2])], 'float32'));
    }
    const k = kh * kw;
    const stacked = e.op('Concat', routed, 'float32', { axis: 2 }); // [N, C, K, ho, wo]
    const z = e.op('Reshape', [stacked, e.int64s([-1, k, ...out])], 'float32');
    const oneHot = e.constant(
      'float32',
      [k, 1, kh, kw],
      Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)),
    );
    const dx = convTransposeTo(e, z, oneHot, poolConv(a, size, out), [kh, kw], size, out, k, 'float32');
    e.op('Reshape', [dx, e.shape(c.outputTypes[0]?.shape ?? [])], c.out(0));
  },
  avgPool2d: (c) => {
    const e = c.e;
    const a = c.attrs;
    const size = spatial(c.inputTypes[0]?.shape ?? []);
    const out = spatial(c.outputTypes[0]?.shape ?? []);
    const sums = e.op('Conv', [planes(e, c.inputs[0] ?? '', size), ones(e, a.kernelSize)], 'float32', {
      ...convNodeAttrs(poolConv(a, size, out), a.kernelSize),
    });
    const means = e.op('Mul', [sums, inverseDivisors(e, a, size, out)], 'float32');
    e.op('Reshape', [means, e.shape(c.outputTypes[0]?.shape ?? [])], c.out(0));
  },
  avgPool2dGrad: (c) => {
    const e = c.e;
    const a = c.attrs;
    const out = spatial(c.inputTypes[0]?.shape ?? []);
    const shares = e.op('Mul', [planes(e, c.inputs[0] ?? '', out), inverseDivisors(e, a, a.inputSize, out)], 'float32');
    const conv = poolConv(a, a.inputSize, out);
    const dx = convTransposeTo(e, shares, ones(e, a.kernelSize), conv, a.kernelSize, a.inputSize, out, 1, 'float32');
    e.op('Reshape', [dx, e.shape(c.outputTypes[0]?.shape ?? [])], c.out(0));
  },
  // what torch.onnx exports for nn.Upsample(mode='nearest'): exact for integer factors
  resizeNearest: (c) => {
    const [sh, sw] = c.attrs.scales;
    c.e.op('Resize', [c.inputs[0] ?? '', '', c.e.constant('float32', [4], [1, 1, sh, sw])], c.out(0), {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
  },
} satisfies Partial<LoweringTable>;
