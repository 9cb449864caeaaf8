import { broadcastShapes } from '../ir/shape.js';
import { defineOp } from './define.js';
import { unbroadcast } from './grad-util.js';
import { mapBroadcast } from './kernel-util.js';
import { expectDtype, expectSameDtype } from './rule-util.js';

/** where(cond, a, b): a where cond holds, else b; all three broadcast. */
export const where = defineOp<'where', 3>({
  arity: 3,
  rule: ([c, a, b]) => {
    expectDtype('where', c, ['bool'], 'condition');
    expectSameDtype('where', a, b);
    return [{ dtype: a.dtype, shape: broadcastShapes(c.shape, a.shape, b.shape) }];
  },
  kernel: ([c, a, b]) => [mapBroadcast([c, a, b], a.dtype, (cv, x, y) => (cv ? x : y))],
  vjp: ({ inputs: [c, a, b], grads: [g] }) => {
    const bld = g.builder;
    return [undefined, unbroadcast(bld.where(c, g, 0), a.shape), unbroadcast(bld.where(c, 0, g), b.shape)];
  },
});
