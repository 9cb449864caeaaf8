import { fail } from '../errors.js';
import { broadcastShapes, resolveShape, sameShape, shapeToString } from '../ir/shape.js';
import { tensor } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { unbroadcast } from './grad-util.js';
import { mapBroadcast } from './kernel-util.js';

/** Broadcasts x to `shape` (which must be the broadcast of the two). */
export const expand = defineOp<'expand', 1>({
  arity: 1,
  rule: ([x], { shape }) => {
    if (!sameShape(broadcastShapes(x.shape, shape), shape)) {
      fail('INVALID_GRAPH', `expand: ${shapeToString(x.shape)} does not broadcast to ${shapeToString(shape)}`);
    }
    return [{ dtype: x.dtype, shape }];
  },
  kernel: ([x], { shape }, env) => {
    const s = resolveShape(shape, env);
    const zeros = tensor(x.dtype, s, new Array<number>(s.reduce((a, b) => a * b, 1)).fill(0));
    return [mapBroadcast([x, zeros], x.dtype, (v) => v)];
  },
  vjp: ({ inputs: [x], grads: [g] }) => [unbroadcast(g, x.shape)],
});
