import { type OpAttrs, poolDivisors, windowEndPad } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LoweringsFor } from './types.js';

/*
 * The 2-D network ops on tfjs. tfjs convolves NHWC only on wasm, has no groups, no dilated strided
 * convolution, no filter gradient on wasm and no pool gradients on wasm. So everything here is built on
 * tf.conv2d / tf.depthwiseConv2d over explicitly padded NHWC tensors:
 * - the input gradient is the convolution of the zero-interleaved dy with the flipped, regrouped kernel;
 * - the filter gradient convolves x (channels as the batch) with dy as the kernel, strides and dilations
 *   swapped;
 * - pools sum or compare strided slices of the padded planes, and their gradients go back through the
 *   input gradient of a conv with a ones (avg) or one-hot (max) kernel.
 */

type Pair = readonly [number, number];

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];

const nhwc = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, NCHW_TO_NHWC) as tf.Tensor4D;
const nchw = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, NHWC_TO_NCHW) as tf.Tensor4D;

/** Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor: [top, bottom, left, right]. */
function padOrCrop(x: tf.Tensor4D, [t, b, l, r]: readonly number[], value = 0): tf.Tensor4D {
  const [n = 0, h = 0, w = 0, c = 0] = x.shape;
  const lo = [t ?? 0, l ?? 0].map((p) => Math.max(p, 0));
  const hi = [b ?? 0, r ?? 0].map((p) => Math.max(p, 0));
  let y = x;
  if ([...lo, ...hi].some((p) => p > 0)) {
    y = tf.pad(
      x,
      [
        [0, 0],
        [lo[0] ?? 0, hi[0] ?? 0],
        [lo[1] ?? 0, hi[1] ?? 0],
        [0, 0],
      ],
      value,
    );
  }
  const cropT = Math.max(-(t ?? 0), 0);
  const cropL = Math.max(-(l ?? 0), 0);
  const cropB = Math.max(-(b ?? 0), 0);
  const cropR = Math.max(-(r ?? 0), 0);
  if (cropT + cropL + cropB + cropR === 0) return y;
  const [, hp = h, wp = w] = y.shape;
  return tf.slice(y, [0, cropT, cropL, 0], [n, hp - cropT - cropB, wp - cropL - cropR, c]);
}

/**
 * A 'valid' convolution (tf.conv2d, filter [kh, kw, in, out]) or depthwise one (filter [kh, kw, in, mult]).
 * tfjs wants strides or dilations to be 1: with both above 1 it runs at stride 1 and keeps every
 * stride-th output.
 */
function convNhwc(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: Pair,
  dilations: Pair,
  depthwise: boolean,
): tf.Tensor4D {
  const run = (s: Pair) =>
    depthwise
      ? tf.depthwiseConv2d(x, filter, [s[0], s[1]], 'valid', 'NHWC', [dilations[0], dilations[1]])
      : tf.conv2d(x, filter, [s[0], s[1]], 'valid', 'NHWC', [dilations[0], dilations[1]]);
  const bothAboveOne = strides.some((s) => s > 1) && dilations.some((d) => d > 1);
  if (!bothAboveOne) return run(strides);
  const full = run([1, 1]);
  const [n = 0, h = 0, w = 0, c = 0] = full.shape;
  return tf.stridedSlice(full, [0, 0, 0, 0], [n, h, w, c], [1, strides[0], strides[1], 1]) as tf.Tensor4D;
}

/** A 'valid' grouped convolution of padded NHWC x with an IR weight [O, C/group, kh, kw]. */
function groupedConv(x: tf.Tensor4D, w: tf.Tensor, strides: Pair, dilations: Pair, group: number): tf.Tensor4D {
  const [o = 0, cg = 0, kh = 0, kw = 0] = w.shape;
  if (group === 1) return convNhwc(x, tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, strides, dilations, false);
  if (cg === 1) {
    // depthwise: output channel c·mult + m reads input channel c, tfjs's order
    const filter = tf.transpose(tf.reshape(w, [group, o / group, kh, kw]), [2, 3, 0, 1]) as tf.Tensor4D;
    return convNhwc(x, filter, strides, dilations, true);
  }
  const xs = tf.split(x, group, 3);
  const ws = tf.split(w, group, 0);
  const parts = xs.map((xg, g) => groupedConv(xg as tf.Tensor4D, ws[g] as tf.Tensor, strides, dilations, 1));
  return tf.concat(parts, 3);
}

/**
 * dy [n, ho, wo, c] with stride-1 zeros after each element: [n, ho·sh, wo·sw, c]. Two 4-D pads: tfjs-webgl's
 * pad shader compiles for ranks up to 4 only.
 */
function interleaveZeros(dy: tf.Tensor4D, [sh, sw]: Pair): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n = 0, ho = 0, wo = 0, c = 0] = dy.shape;
  const cols = tf.pad(tf.reshape(dy, [n * ho, wo, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const rows = tf.pad(tf.reshape(cols, [n * ho, 1, wo * sw, c]), [
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, 0],
  ]);
  return tf.reshape(rows, [n, ho * sh, wo * sw, c]);
}

/**
 * The input gradient of a conv2d (NHWC dy [n, ho, wo, O], IR weight [O, C/group, kh, kw]) over an input of
 * `inputSize`: a stride-1 convolution of the zero-interleaved dy with the flipped kernel, regrouped to
 * [C, O/group, kh, kw].
 */
function backpropInput(dy: tf.Tensor4D, w: tf.Tensor, a: OpAttrs['conv2d'], [h, wd]: Pair): tf.Tensor4D {
  const [o = 0, cg = 0, kh = 0, kw = 0] = w.shape;
  const { strides, dilations, group, pads } = a;
  const [, ho = 0, wo = 0] = dy.shape;
  const og = o / group;
  const flipped = tf.reverse(
    tf.reshape(tf.transpose(tf.reshape(w, [group, og, cg, kh, kw]), [0, 2, 1, 3, 4]), [cg * group, og, kh, kw]),
    [2, 3],
  );
  // the interleaved dy has s - 1 trailing zeros; pad so that the 'valid' output has exactly h rows
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const top = (kh - 1) * dh - pads[0];
  const left = (kw - 1) * dw - pads[1];
  const bottom = h - (ho - 1) * sh - 1 + pads[0] - (sh - 1);
  const right = wd - (wo - 1) * sw - 1 + pads[1] - (sw - 1);
  const u = padOrCrop(interleaveZeros(dy, strides), [top, bottom, left, right]);
  return groupedConv(u, flipped, [1, 1], dilations, group);
}

/**
 * The filter gradient of a conv2d (NCHW x and dy): x with its channels as the batch, convolved with dy as
 * the kernel; the conv's strides become the dilations and its dilations the strides.
 */
function backpropFilter(x: tf.Tensor, dy: tf.Tensor, a: OpAttrs['conv2d'], [kh, kw]: Pair): tf.Tensor {
  const [n = 0, c = 0, h = 0, wd = 0] = x.shape;
  const [, o = 0, ho = 0, wo = 0] = dy.shape;
  const { strides, dilations, group, pads } = a;
  const endH = windowEndPad(h, ho, kh, strides[0], dilations[0], pads[0]);
  const endW = windowEndPad(wd, wo, kw, strides[1], dilations[1], pads[1]);
  const padding = [pads[0], endH, pads[1], endW];
  if (group > 1 && c === group) {
    // depthwise: the batch joins the channels, then is summed away
    const mult = o / c;
    const xs = padOrCrop(tf.reshape(tf.transpose(x, [2, 3, 0, 1]), [1, h, wd, n * c]) as tf.Tensor4D, padding);
    const filter = tf.reshape(tf.transpose(tf.reshape(dy, [n, c, mult, ho, wo]), [3, 4, 0, 1, 2]), [
      ho,
      wo,
      n * c,
      mult,
    ]) as tf.Tensor4D;
    const g = convNhwc(xs, filter, dilations, strides, true); // [1, kh, kw, n·c·mult]
    const summed = tf.sum(tf.reshape(g, [kh, kw, n, o]), 2);
    return tf.reshape(tf.transpose(summed, [2, 0, 1]), [o, 1, kh, kw]);
  }
  const ungrouped = (xg: tf.Tensor, dyg: tf.Tensor) => {
    const xs = padOrCrop(tf.transpose(xg, [1, 2, 3, 0]) as tf.Tensor4D, padding); // [C/g, H, W, N]
    const filter = tf.transpose(dyg, [2, 3, 0, 1]) as tf.Tensor4D; // [ho, wo, N, O/g]
    return tf.transpose(convNhwc(xs, filter, dilations, strides, false), [3, 0, 1, 2]); // [O/g, C/g, kh, kw]
  };
  if (group === 1) return ungrouped(x, dy);
  const xs = tf.split(x, group, 1);
  const dys = tf.split(dy, group, 1);
  return tf.concat(
    xs.map((xg, g) => ungrouped(xg, dys[g] as tf.Tensor)),
    0,
  );
}

/** The pool attributes as a conv's (pads with the end pads that give exactly the pool's output size). */
function poolAsConv(a: OpAttrs['maxPool2d'], [h, w]: Pair, [ho, wo]: Pair): OpAttrs['conv2d'] {
  const [kh, kw] = a.kernelSize;
  const endH = windowEndPad(h, ho, kh, a.strides[0], a.dilations[0], a.pads[0]);
  const endW = windowEndPad(w, wo, kw, a.strides[1], a.dilations[1], a.pads[1]);
  return { strides: a.strides, dilations: a.dilations, pads: [a.pads[0], a.pads[1], endH, endW], group: 1 };
}

/** The planes of an NCHW tensor as an NHWC batch of one channel (a reshape, no copy). */
const planes = (x: tf.Tensor): tf.Tensor4D => {
  const [n = 0, c = 0, h = 0, w = 0] = x.shape;
  return tf.reshape(x, [n * c, h, w, 1]);
};

/** Each window tap of padded planes [P, hp, wp, 1] as its own [P, ho, wo, 1] strided slice, row-major. */
function taps(xp: tf.Tensor4D, a: OpAttrs['maxPool2d'], [ho, wo]: Pair): tf.Tensor4D[] {
  const [p = 0] = xp.shape;
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  const out: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const begin = [0, i * dh, j * dw, 0];
      const end = [p, i * dh + (ho - 1) * sh + 1, j * dw + (wo - 1) * sw + 1, 1];
      out.push(tf.stridedSlice(xp, begin, end, [1, sh, sw, 1]) as tf.Tensor4D);
    }
  }
  return out;
}

/** Planes padded with -inf (padding never wins a max) so that 'valid' windows give the pool's output. */
function maxPadded(x: tf.Tensor, a: OpAttrs['maxPool2d'], out: Pair): tf.Tensor4D {
  const [, , h = 0, w = 0] = x.shape;
  const { pads } = poolAsConv(a, [h, w], out);
  return padOrCrop(planes(x), [pads[0], pads[2], pads[1], pads[3]], Number.NEGATIVE_INFINITY);
}

function maxOfTaps(xp: tf.Tensor4D, a: OpAttrs['maxPool2d'], out: Pair): tf.Tensor4D {
  if (a.dilations.every((d) => d === 1)) {
    return tf.maxPool(xp, [a.kernelSize[0], a.kernelSize[1]], [a.strides[0], a.strides[1]], 'valid');
  }
  return taps(xp, a, out).reduce((m, t) => tf.maximum(m, t));
}

/** 1 / divisor of each output cell, [ho, wo, 1] (the divisors are static). */
function inverseDivisors(a: OpAttrs['avgPool2d'], size: Pair, [ho, wo]: Pair): tf.Tensor {
  const d = poolDivisors(size, [ho, wo], a, a.countIncludePad);
  return tf.tensor3d(
    d.map((v) => 1 / v),
    [ho, wo, 1],
    'float32',
  );
}

const spatial = (t: readonly number[]): Pair => [t[2] ?? 0, t[3] ?? 0];

/** The node's one or two operands (the IR's arity guarantees them). */
function one(inputs: readonly tf.Tensor[]): tf.Tensor {
  const [x] = inputs;
  if (x === undefined) throw new Error('tfjs lowering: missing operand');
  return x;
}
function two(inputs: readonly tf.Tensor[]): [tf.Tensor, tf.Tensor] {
  const [x, y] = inputs;
  if (x === undefined || y === undefined) throw new Error('tfjs lowering: missing operand');
  return [x, y];
}

type ConvolutionOp =
  | 'conv2d'
  | 'conv2dBackpropInput'
  | 'conv2dBackpropFilter'
  | 'convTranspose2d'
  | 'maxPool2d'
  | 'maxPool2dGrad'
  | 'avgPool2d'
  | 'avgPool2dGrad'
  | 'resizeNearest';

export const convolution: LoweringsFor<ConvolutionOp> = {
  conv2d: (inputs, a) => {
    const [x, w] = two(inputs);
    const [t, l, b, r] = a.pads;
    const xs = padOrCrop(nhwc(x), [t, b, l, r]);
    return [nchw(groupedConv(xs, w, a.strides, a.dilations, a.group))];
  },
  conv2dBackpropInput: (inputs, a) => {
    const [dy, w] = two(inputs);
    return [nchw(backpropInput(nhwc(dy), w, a, a.inputSize))];
  },
  conv2dBackpropFilter: (inputs, a) => {
    const [x, dy] = two(inputs);
    return [backpropFilter(x, dy, a, a.kernelSize)];
  },
  // the input gradient of the conv2d that maps the output back onto x
  convTranspose2d: (inputs, a, ctx) => {
    const [x, w] = two(inputs);
    return [nchw(backpropInput(nhwc(x), w, a, spatial(ctx.outShapes[0] ?? [])))];
  },
  maxPool2d: (inputs, a, ctx) => {
    const x = one(inputs);
    const out = spatial(ctx.outShapes[0] ?? []);
    return [tf.reshape(maxOfTaps(maxPadded(x, a, out), a, out), [...(ctx.outShapes[0] ?? [])])];
  },
  // first-maximum masks per tap (row-major), sent back through a conv's input gradient with a one-hot kernel
  maxPool2dGrad: (inputs, a, ctx) => {
    const [x, dy] = two(inputs);
    const [n = 0, c = 0, h = 0, w = 0] = x.shape;
    const out = spatial(dy.shape);
    const xp = maxPadded(x, a, out);
    const y = maxOfTaps(xp, a, out);
    const g = planes(dy);
    let free: tf.Tensor = tf.onesLike(y);
    const routed: tf.Tensor[] = [];
    for (const t of taps(xp, a, out)) {
      const first = tf.mul(tf.cast(tf.equal(t, y), 'float32'), free);
      free = tf.sub(free, first);
      routed.push(tf.mul(g, first));
    }
    const [kh, kw] = a.kernelSize;
    const k = kh * kw;
    const oneHot = tf.reshape(tf.eye(k), [k, 1, kh, kw]);
    const dx = backpropInput(tf.concat(routed, 3) as tf.Tensor4D, oneHot, poolAsConv(a, [h, w], out), [h, w]);
    return [tf.reshape(dx, [...(ctx.outShapes[0] ?? [n, c, h, w])])];
  },
  avgPool2d: (inputs, a, ctx) => {
    const x = one(inputs);
    const [, , h = 0, w = 0] = x.shape;
    const out = spatial(ctx.outShapes[0] ?? []);
    const conv = poolAsConv(a, [h, w], out);
    const xs = padOrCrop(planes(x), [conv.pads[0], conv.pads[2], conv.pads[1], conv.pads[3]]);
    const ones = tf.ones([a.kernelSize[0], a.kernelSize[1], 1, 1]) as tf.Tensor4D;
    const sums = convNhwc(xs, ones, a.strides, a.dilations, false);
    return [tf.reshape(tf.mul(sums, inverseDivisors(a, [h, w], out)), [...(ctx.outShapes[0] ?? [])])];
  },
  avgPool2dGrad: (inputs, a, ctx) => {
    const dy = one(inputs);
    const out = spatial(dy.shape);
    const scaled = tf.mul(planes(dy), inverseDivisors(a, a.inputSize, out)) as tf.Tensor4D;
    const ones = tf.ones([1, 1, a.kernelSize[0], a.kernelSize[1]]);
    const dx = backpropInput(scaled, ones, poolAsConv(a, a.inputSize, out), a.inputSize);
    return [tf.reshape(dx, [...(ctx.outShapes[0] ?? [])])];
  },
  resizeNearest: (inputs, { scales: [sh, sw] }, ctx) => {
    const x = one(inputs);
    const [n = 0, c = 0, h = 0, w = 0] = x.shape;
    const blocks = tf.broadcastTo(tf.reshape(x, [n, c, h, 1, w, 1]), [n, c, h, sh, w, sw]);
    return [tf.reshape(blocks, [...(ctx.outShapes[0] ?? [])])];
  },
};
