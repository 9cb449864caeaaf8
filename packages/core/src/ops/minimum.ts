import { defineOp } from './define.js';
import { unbroadcast } from './grad-util.js';
import { mapBroadcast } from './kernel-util.js';
import { binaryRule, NUMERIC } from './rule-util.js';

/** Elementwise minimum; on ties the gradient goes to the first input. */
export const minimum = defineOp<'minimum', 2>({
  arity: 2,
  rule: binaryRule('minimum', NUMERIC),
  kernel: ([a, b]) => [mapBroadcast([a, b], a.dtype, (x, y) => Math.min(x, y))],
  vjp: ({ inputs: [x, y], grads: [g] }) => {
    const first = x.lessEqual(y);
    const b = g.builder;
    return [unbroadcast(b.where(first, g, 0), x.shape), unbroadcast(b.where(first, 0, g), y.shape)];
  },
});
