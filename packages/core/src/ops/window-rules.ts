import { fail } from '../errors.js';
import type { Conv2dAttrs, Pool2dAttrs } from '../ir/ops.js';
import { shapeToString } from '../ir/shape.js';
import type { Dim, ValueType } from '../ir/types.js';
import { expectDtype, FLOAT } from './rule-util.js';

/** [N, C, H, W] with numeric H and W (the 2-D ops need the spatial sizes when the graph is built). */
export function expectImage(op: string, t: ValueType, which: string): readonly [Dim, Dim, number, number] {
  expectDtype(op, t, FLOAT, which);
  const [n, c, h, w] = t.shape;
  if (t.shape.length !== 4 || n === undefined || c === undefined || typeof h !== 'number' || typeof w !== 'number') {
    fail('INVALID_GRAPH', `${op}: ${which} ${shapeToString(t.shape)} is not [N, C, H, W] with numeric H, W`);
  }
  return [n, c, h, w];
}

/** A 4-D tensor whose dims are all numbers (weights). */
export function expectNumeric4(op: string, t: ValueType, which: string): readonly [number, number, number, number] {
  expectDtype(op, t, FLOAT, which);
  const [a, b, c, d] = t.shape;
  if (
    t.shape.length !== 4 ||
    typeof a !== 'number' ||
    typeof b !== 'number' ||
    typeof c !== 'number' ||
    typeof d !== 'number'
  ) {
    fail('INVALID_GRAPH', `${op}: ${which} ${shapeToString(t.shape)} is not a 4-D tensor of fixed size`);
  }
  return [a, b, c, d];
}

function positivePair(op: string, name: string, v: readonly number[]): void {
  if (v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 1)) {
    fail('INVALID_GRAPH', `${op}: ${name} [${v}] must be two positive integers`);
  }
}

function checkPads(op: string, pads: readonly number[]): void {
  if (pads.length !== 4 || !pads.every((x) => Number.isInteger(x) && x >= 0)) {
    fail('INVALID_GRAPH', `${op}: pads [${pads}] must be four non-negative integers`);
  }
}

export function checkConvAttrs(op: string, a: Conv2dAttrs): void {
  positivePair(op, 'strides', a.strides);
  positivePair(op, 'dilations', a.dilations);
  checkPads(op, a.pads);
  if (!Number.isInteger(a.group) || a.group < 1) fail('INVALID_GRAPH', `${op}: group ${a.group} must be >= 1`);
}

export function checkPoolAttrs(op: string, a: Pool2dAttrs): void {
  positivePair(op, 'kernelSize', a.kernelSize);
  positivePair(op, 'strides', a.strides);
  positivePair(op, 'dilations', a.dilations);
  checkPads(op, a.pads);
}

/**
 * Output length of a window op along one axis (PyTorch and ONNX agree): floor, or with `ceil` round up but
 * drop a last window that would start past the input and its leading pad.
 */
export function windowOutSize(
  op: string,
  size: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
  ceil = false,
): number {
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1;
  if (span < 0)
    fail('INVALID_GRAPH', `${op}: window ${kernel} (dilation ${dilation}) larger than padded input ${size}`);
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (out - 1) * stride >= size + padBegin) out -= 1;
  return out;
}

/** The [Ho, Wo] of a convolution or pool over [h, w]. */
export function windowOutShape(
  op: string,
  [h, w]: readonly [number, number],
  [kh, kw]: readonly [number, number],
  a: {
    readonly strides: readonly [number, number];
    readonly pads: readonly number[];
    readonly dilations: readonly [number, number];
  },
  ceil = false,
): [number, number] {
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  const [pt = 0, pl = 0, pb = 0, pr = 0] = a.pads;
  return [windowOutSize(op, h, kh, sh, pt, pb, dh, ceil), windowOutSize(op, w, kw, sw, pl, pr, dw, ceil)];
}

/**
 * Fails unless every window of a pool holds at least one input cell: a window wholly in the padding has no
 * max and (without counting the padding) no mean. PyTorch rejects such pads too (pad <= half the kernel).
 */
export function expectWindowsHitInput(
  op: string,
  [h, w]: readonly [number, number],
  [ho, wo]: readonly [number, number],
  a: Pool2dAttrs,
): void {
  const axes = [
    [h, ho, a.kernelSize[0], a.strides[0], a.dilations[0], a.pads[0]],
    [w, wo, a.kernelSize[1], a.strides[1], a.dilations[1], a.pads[1]],
  ] as const;
  for (const [size, out, k, s, d, padBegin] of axes) {
    for (let i = 0; i < out; i++) {
      let hit = false;
      for (let t = 0; t < k && !hit; t++) {
        const at = i * s - padBegin + t * d;
        hit = at >= 0 && at < size;
      }
      if (!hit) fail('INVALID_GRAPH', `${op}: window ${i} lies wholly in the padding (pads [${a.pads}])`);
    }
  }
}
