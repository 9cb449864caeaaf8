import type { Dim, DType } from './types.js';

type NoAttrs = Record<string, never>;

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
  gatherElements: { readonly axis: number };
  /**
   * Duplicate-index rule: with `reduction: 'none'` indices along the axis must be unique (the reference
   * kernel fails on duplicates, since runtimes disagree on which write wins); `'add'` sums duplicates.
   */
  scatterElements: { readonly axis: number; readonly reduction: 'none' | 'add' };
  /** values and int32 indices of the k largest (or smallest); ties keep the lower index first */
  topk: { readonly k: Dim; readonly axis: number; readonly largest: boolean };
  /** a full stable sort: values and int32 indices; ties keep the lower index first */
  sort: { readonly axis: number; readonly descending: boolean };
  cumsum: { readonly axis: number; readonly exclusive: boolean; readonly reverse: boolean };
  /** int32 [length] holding 0 .. length-1 */
  range: { readonly length: Dim };
  /** float32 [..., depth]: 1 at the index, 0 elsewhere */
  oneHot: { readonly depth: Dim };
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
