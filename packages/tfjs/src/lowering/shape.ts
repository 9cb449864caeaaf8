import * as tf from '@tensorflow/tfjs-core';
import { expandTo } from './broadcast.js';
import type { LoweringsFor } from './types.js';

type ShapeOp = 'reshape' | 'expand' | 'slice' | 'concat' | 'unsqueeze' | 'squeeze' | 'transpose';

// Output shapes come from the IR's shape rule (ctx.outShapes), symbols already bound.
export const shapeOps: LoweringsFor<ShapeOp> = {
  reshape: ([x], _, ctx) => [tf.reshape(x!, [...ctx.outShapes[0]!])],
  expand: ([x], _, ctx) => [expandTo(x!, ctx.outShapes[0]!)],
  slice: ([x], { axis, start }, ctx) => {
    const begin = x!.shape.map((_, i) => (i === axis ? start : 0));
    return [tf.slice(x!, begin, [...ctx.outShapes[0]!])];
  },
  concat: (xs, { axis }) => [xs.length === 1 ? tf.clone(xs[0]!) : tf.concat([...xs], axis)],
  unsqueeze: ([x], { axis }) => [tf.expandDims(x!, axis)],
  squeeze: ([x], { axis }) => [tf.squeeze(x!, [axis])],
  transpose: ([x], { perm }) => [tf.transpose(x!, [...perm])],
};
