import type { Dim, DType } from './types.js';

type NoAttrs = Record<string, never>;

/** Attributes shared by the 2-D convolutions. */
export interface Conv2dAttrs {
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
  readonly group: number;
}

/** Attributes shared by the 2-D pools. */
export interface Pool2dAttrs {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
  /** output size rounds up (a last window may start in the right or bottom padding, never past it) */
  readonly ceilMode: boolean;
}

/**
 * The closed op set and each op's attributes. Semantics follow ONNX unless stated here; axes are
 * non-negative (the builder normalises negative ones). Adding an op here without a definition in
 * `ops/registry.ts` (shape rule, reference kernel, VJP) or a lowering in a backend is a type error.
 */
export interface OpAttrs {
  // elementwise arithmetic, numpy broadcasting; int32 `div` truncates toward zero
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  /** ties send the gradient to the first input */
  maximum: NoAttrs;
  /** ties send the gradient to the first input */
  minimum: NoAttrs;
  // comparisons and logic -> bool
  equal: NoAttrs;
  less: NoAttrs;
  lessEqual: NoAttrs;
  greater: NoAttrs;
  greaterEqual: NoAttrs;
  and: NoAttrs;
  or: NoAttrs;
  not: NoAttrs;
  /** where(cond, a, b), broadcasting all three */
  where: NoAttrs;
  /** float -> int truncates toward zero; -> bool is `!= 0`; bool -> number is 0/1 */
  cast: { readonly to: DType };
  // unary math
  exp: NoAttrs;
  log: NoAttrs;
  abs: NoAttrs;
  neg: NoAttrs;
  sqrt: NoAttrs;
  /** arctangent, float32 only (CIoU's aspect-ratio term) */
  atan: NoAttrs;
  sign: NoAttrs;
  // reductions
  reduceSum: { readonly axes: readonly number[]; readonly keepDims: boolean };
  /** the gradient is shared equally between tied maxima (as torch.amax) */
  reduceMax: { readonly axes: readonly number[]; readonly keepDims: boolean };
  /** int32 result; ties pick the lowest index */
  argMax: { readonly axis: number; readonly keepDims: boolean };
  logSoftmax: { readonly axis: number };
  /**
   * softmaxCrossEntropy(logits [..., C], labels [...] int32) -> float32 [...]: the cross entropy of each
   * row over the last axis, logsumexp(logits) - logits[label] (labels in [0, C)). Its gradient with
   * respect to the logits is `softmaxCrossEntropyGrad`.
   */
  softmaxCrossEntropy: NoAttrs;
  /**
   * softmaxCrossEntropyGrad(logits [..., C], labels [...], g [...]) -> float32 [..., C]:
   * (softmax(logits) - onehot(label)) * g per row, and exactly 0 on every row where g == 0 (whatever the
   * logits hold there). Backends evaluate only the rows where g != 0: a loss that weights a few selected
   * rows pays for those rows, not for the whole tensor. It has no gradient of its own (no second order).
   */
  softmaxCrossEntropyGrad: NoAttrs;
  /** elementwise smooth L1 with beta 1: 0.5 x^2 where |x| < 1, else |x| - 0.5; gradient clamp(x, -1, 1) */
  smoothL1: NoAttrs;
  // shape ops; symbolic dims in attributes are bound from the graph inputs at run time
  reshape: { readonly shape: readonly Dim[] };
  expand: { readonly shape: readonly Dim[] };
  /** step 1; `end: null` means to the end of the axis */
  slice: { readonly axis: number; readonly start: number; readonly end: number | null };
  concat: { readonly axis: number };
  unsqueeze: { readonly axis: number };
  squeeze: { readonly axis: number };
  transpose: { readonly perm: readonly number[] };
  // indexing; indices are int32 and must lie in [0, dim): kernels fail otherwise
  gather: { readonly axis: number };
  /**
   * gatherRows(data [B, N, ...], indices [B, ...] int32) -> [B, ...indices dims, ...]: per batch entry b,
   * the slices data[b, indices[b, ...]] along axis 1 (ONNX GatherND with batch_dims 1 and one index
   * component; tf.gather with batchDims 1). Indices lie in [0, N).
   */
  gatherRows: NoAttrs;
  gatherElements: { readonly axis: number };
  /**
   * Duplicate-index rule: with `reduction: 'none'` indices along the axis must be unique (the reference
   * kernel fails on duplicates, since runtimes disagree on which write wins); `'add'` sums duplicates;
   * `'max'` keeps the largest of the data element and every update written to it (so the order of
   * duplicates never matters). 'max' has no gradient (differentiating through it is an error).
   */
  scatterElements: { readonly axis: number; readonly reduction: 'none' | 'add' | 'max' };
  /**
   * Values and int32 indices of the k largest (or smallest); ties keep the lower index first. With one
   * input, `k` is a number or an input-bound symbol. With a second input (an int32 scalar holding k,
   * 0 <= k <= the axis size), `k` names the data-dependent dim it defines (see passes/data-dims.ts).
   */
  topk: { readonly k: Dim; readonly axis: number; readonly largest: boolean };
  /** a full stable sort: values and int32 indices; ties keep the lower index first */
  sort: { readonly axis: number; readonly descending: boolean };
  cumsum: { readonly axis: number; readonly exclusive: boolean; readonly reverse: boolean };
  /** int32 [length] holding 0 .. length-1 */
  range: { readonly length: Dim };
  /** float32 [..., depth]: 1 at the index, 0 elsewhere */
  oneHot: { readonly depth: Dim };
  // 2-D networks (NCHW). Spatial pairs are [height, width]; `pads` are [top, left, bottom, right] (ONNX order).
  /** conv2d(x [N, C, H, W], w [O, C/group, kH, kW]) -> [N, O, Ho, Wo]; no bias (added with `add`) */
  conv2d: Conv2dAttrs;
  /** the gradient of conv2d with respect to x: (dy [N, O, Ho, Wo], w) -> [N, C, H, W] */
  conv2dBackpropInput: Conv2dAttrs & { readonly inputSize: readonly [number, number] };
  /** the gradient of conv2d with respect to w: (x, dy [N, O, Ho, Wo]) -> [O, C/group, kH, kW] */
  conv2dBackpropFilter: Conv2dAttrs & { readonly kernelSize: readonly [number, number] };
  /**
   * convTranspose2d(x [N, C, H, W], w [C, O/group, kH, kW]) -> [N, O, Ho, Wo],
   * Ho = (H - 1)·stride - top - bottom + dilation·(kH - 1) + outputPadding + 1 (ONNX ConvTranspose)
   */
  convTranspose2d: Conv2dAttrs & { readonly outputPadding: readonly [number, number] };
  /** max over each window; padding never wins; the gradient goes to the first maximum (row-major) of a window */
  maxPool2d: Pool2dAttrs;
  /** the gradient of maxPool2d: (x, dy) -> dx, each window's dy added at its first maximum */
  maxPool2dGrad: Pool2dAttrs;
  /** mean over each window; `countIncludePad` divides by the full window, else by its part inside the input */
  avgPool2d: Pool2dAttrs & { readonly countIncludePad: boolean };
  /** the gradient of avgPool2d: (dy) -> dx [N, C, H, W] */
  avgPool2dGrad: Pool2dAttrs & { readonly countIncludePad: boolean; readonly inputSize: readonly [number, number] };
  /** nearest upsampling by integer factors: [N, C, H, W] -> [N, C, H·sh, W·sw] (PyTorch's Upsample 'nearest') */
  resizeNearest: { readonly scales: readonly [number, number] };
  /** max(x, 0); the gradient at 0 is 0 (PyTorch) */
  relu: NoAttrs;
  /** min(max(x, min), max); the gradient is 1 strictly inside (min, max) and 0 elsewhere (PyTorch's hardtanh) */
  clip: { readonly min: number; readonly max: number };
  /** x where x > 0, else alpha·x */
  leakyRelu: { readonly alpha: number };
  sigmoid: NoAttrs;
  tanh: NoAttrs;
  /** max(0, min(1, alpha·x + beta)) */
  hardSigmoid: { readonly alpha: number; readonly beta: number };
  /** x·hardSigmoid(x) with alpha 1/6, beta 1/2 (PyTorch's hardswish, its gradient conventions at ±3) */
  hardSwish: NoAttrs;
  /** ONNX MatMul for operands of rank >= 2: [..., M, K] x [..., K, N] -> [..., M, N], batch dims broadcast */
  matMul: NoAttrs;
  /** a literal tensor; values are listed flat in row-major order */
  constant: { readonly dtype: DType; readonly shape: readonly number[]; readonly values: readonly number[] };
  /** identity forward, no gradient backward */
  stopGradient: NoAttrs;
}

export type OpName = keyof OpAttrs;

export interface Node<K extends OpName = OpName> {
  readonly op: K;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly attrs: OpAttrs[K];
}
