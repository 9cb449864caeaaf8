import * as tf from '@tensorflow/tfjs-core';
import { type BinaryKind, fullShape, operand } from './broadcast.js';
import { expOfNonPositive } from './exp.js';
import { type LoweringContext, type LoweringsFor, outShape } from './types.js';

// attribute-free ops: a lowering that ignores attrs fits every op's Lowering type
const binary =
  (op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, kind: BinaryKind = 'other') =>
  ([a, b]: readonly [tf.Tensor, tf.Tensor], _: unknown, ctx: LoweringContext): [tf.Tensor] => {
    const out = outShape(ctx);
    return [op(operand(kind, a, out, ctx.traits), operand(kind, b, out, ctx.traits))];
  };
const unary =
  (op: (x: tf.Tensor) => tf.Tensor) =>
  ([x]: readonly [tf.Tensor]) => [op(x)];

/** IR int32 division truncates toward zero; tfjs divides int32 with floor. Floor + 1 where they differ. */
function truncDivInt(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const q = tf.floorDiv(a, b);
  const inexactNegative = tf.logicalAnd(tf.notEqual(tf.mul(q, b), a), tf.less(q, tf.scalar(0, 'int32')));
  return tf.add(q, tf.cast(inexactNegative, 'int32'));
}

/**
 * `x == range(n)` with x [..., 1] int32 (the range along the last axis) is a one-hot mask: tfjs OneHot
 * writes it in one pass, where Equal needs x broadcast to [..., n] first. Both give all-false rows for
 * indices outside [0, n). Null when the operands are not in that pattern.
 */
function equalToRange(xs: readonly [tf.Tensor, tf.Tensor], ctx: LoweringContext): tf.Tensor | null {
  const out = outShape(ctx);
  const n = out.at(-1) ?? 0; // a scalar output is no one-hot row
  for (const [x, r] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const idx = xs[x];
    const fits =
      idx.dtype === 'int32' &&
      idx.rank === out.length &&
      idx.shape[idx.rank - 1] === 1 &&
      idx.shape.slice(0, -1).every((d, i) => d === out[i]);
    // tfjs OneHot needs depth >= 2 (a single box or truth row gives n = 1: plain Equal then)
    if (ctx.iota[r] && fits && n > 1) {
      // OneHot's int32 0/1 cast to bool as is (no `!= 0` needed)
      return tf.cast(tf.oneHot(tf.reshape(idx, out.slice(0, -1)), n), 'bool');
    }
  }
  return null;
}

/**
 * `maximum`/`minimum` with a float operand known to hold one number everywhere (a clamp such as
 * `max(w, 0)`): tfjs ClipByValue, one pass (XNNPACK's clamp on wasm) where Maximum/Minimum take about
 * four times as long on the host backends. Exact: both return the bound or the element. Null otherwise.
 */
function clampByUniform(
  bound: 'lower' | 'upper',
  xs: readonly [tf.Tensor, tf.Tensor],
  ctx: LoweringContext,
): tf.Tensor | null {
  if (!ctx.traits.hostMemory) return null;
  const out = outShape(ctx);
  for (const [x, c] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const value = ctx.uniform[c];
    const t = xs[x];
    if (
      value === undefined ||
      Number.isNaN(value) ||
      t.dtype !== 'float32' ||
      t.rank !== out.length ||
      !t.shape.every((d, i) => d === out[i])
    )
      continue;
    return bound === 'lower' ? tf.clipByValue(t, value, Infinity) : tf.clipByValue(t, -Infinity, value);
  }
  return null;
}

type ElementwiseOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'maximum'
  | 'minimum'
  | 'equal'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual'
  | 'and'
  | 'or'
  | 'not'
  | 'where'
  | 'cast'
  | 'exp'
  | 'log'
  | 'abs'
  | 'neg'
  | 'sqrt'
  | 'sign'
  | 'atan';

export const elementwise: LoweringsFor<ElementwiseOp> = {
  add: binary(tf.add, 'add'),
  sub: binary(tf.sub, 'sub'),
  mul: binary(tf.mul, 'mul'),
  div: binary((a, b) => (a.dtype === 'int32' ? truncDivInt(a, b) : tf.div(a, b)), 'div'),
  maximum: (xs, attrs, ctx) => [clampByUniform('lower', xs, ctx) ?? binary(tf.maximum)(xs, attrs, ctx)[0]],
  minimum: (xs, attrs, ctx) => [clampByUniform('upper', xs, ctx) ?? binary(tf.minimum)(xs, attrs, ctx)[0]],
  equal: (xs, attrs, ctx) => [equalToRange(xs, ctx) ?? binary(tf.equal)(xs, attrs, ctx)[0]],
  less: binary(tf.less),
  lessEqual: binary(tf.lessEqual),
  greater: binary(tf.greater),
  greaterEqual: binary(tf.greaterEqual),
  and: binary(tf.logicalAnd),
  or: binary(tf.logicalOr),
  not: unary(tf.logicalNot),
  // tfjs where broadcasts with Tile: give it operands of the output's shape
  where: (xs, _, ctx) => {
    const out = outShape(ctx);
    const full = (x: tf.Tensor, i: number) => fullShape(x, out, ctx.uniform[i], ctx.traits);
    const [c, a, b] = [full(xs[0], 0), full(xs[1], 1), full(xs[2], 2)];
    // tfjs-wasm's Select reads bool values as 4-byte elements (wrong values, or out of bounds): (c & a) | (!c & b)
    if (ctx.traits.wasm && a.dtype === 'bool') {
      return [tf.logicalOr(tf.logicalAnd(c, a), tf.logicalAnd(tf.logicalNot(c), b))];
    }
    return [tf.where(c, a, b)];
  },
  // float -> int32 truncates (tfjs cast does); -> bool is `!= 0` (tfjs-wasm's cast to bool keeps the value)
  cast: ([x], { to }) => [
    x.dtype === to ? tf.clone(x) : to === 'bool' ? tf.notEqual(x, tf.scalar(0, x.dtype)) : tf.cast(x, to),
  ],
  exp: ([x], _, ctx) => [ctx.nonPositive[0] ? expOfNonPositive(x, ctx.traits) : tf.exp(x)],
  log: unary(tf.log),
  abs: unary(tf.abs),
  neg: unary(tf.neg),
  sqrt: unary(tf.sqrt),
  sign: unary(tf.sign),
  atan: unary(tf.atan),
};
