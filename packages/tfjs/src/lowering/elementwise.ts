import * as tf from '@tensorflow/tfjs-core';
import { fullShape, operand, type BinaryKind } from './broadcast.js';
import type { LoweringContext, LoweringsFor } from './types.js';

// attribute-free ops: a lowering that ignores attrs fits every op's Lowering type
const binary =
  (op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, kind: BinaryKind = 'other') =>
  ([a, b]: readonly tf.Tensor[], _: unknown, ctx: LoweringContext) => {
    const out = ctx.outShapes[0]!;
    return [op(operand(kind, a!, out), operand(kind, b!, out))];
  };
const unary =
  (op: (x: tf.Tensor) => tf.Tensor) =>
  ([x]: readonly tf.Tensor[]) => [op(x!)];

/** IR int32 division truncates toward zero; tfjs divides int32 with floor. Floor + 1 where they differ. */
function truncDivInt(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const q = tf.floorDiv(a, b);
  const inexactNegative = tf.logicalAnd(tf.notEqual(tf.mul(q, b), a), tf.less(q, tf.scalar(0, 'int32')));
  return tf.add(q, tf.cast(inexactNegative, 'int32'));
}

type ElementwiseOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum'
  | 'equal' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual' | 'and' | 'or' | 'not'
  | 'where' | 'cast' | 'exp' | 'log' | 'abs' | 'neg' | 'sqrt' | 'sign';

export const elementwise: LoweringsFor<ElementwiseOp> = {
  add: binary(tf.add, 'add'),
  sub: binary(tf.sub, 'sub'),
  mul: binary(tf.mul, 'mul'),
  div: binary((a, b) => (a.dtype === 'int32' ? truncDivInt(a, b) : tf.div(a, b)), 'div'),
  maximum: binary(tf.maximum),
  minimum: binary(tf.minimum),
  equal: binary(tf.equal),
  less: binary(tf.less),
  lessEqual: binary(tf.lessEqual),
  greater: binary(tf.greater),
  greaterEqual: binary(tf.greaterEqual),
  and: binary(tf.logicalAnd),
  or: binary(tf.logicalOr),
  not: unary(tf.logicalNot),
  // tfjs where broadcasts with Tile: give it operands of the output's shape
  where: (xs, _, ctx) => {
    const out = ctx.outShapes[0]!;
    const [c, a, b] = xs.map((x, i) => fullShape(x, out, ctx.uniform[i]));
    return [tf.where(c!, a!, b!)];
  },
  // float -> int32 truncates (tfjs cast does); -> bool is `!= 0` (tfjs-wasm's cast to bool keeps the value)
  cast: ([x], { to }) => [x!.dtype === to ? tf.clone(x!) : to === 'bool' ? tf.notEqual(x!, tf.scalar(0, x!.dtype)) : tf.cast(x!, to)],
  exp: unary(tf.exp),
  log: unary(tf.log),
  abs: unary(tf.abs),
  neg: unary(tf.neg),
  sqrt: unary(tf.sqrt),
  sign: unary(tf.sign),
};
