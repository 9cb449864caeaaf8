import { defineOp } from './define.js';
import { unbroadcast } from './grad-util.js';
import { mapBroadcast } from './kernel-util.js';
import { binaryRule, NUMERIC } from './rule-util.js';

/** Elementwise maximum; on ties the gradient goes to the first input. */
export const maximum = defineOp<'maximum', 2>({
  arity: 2,
  rule: binaryRule('maximum', NUMERIC),
  kernel: ([a, b]) => [mapBroadcast([a, b], a.dtype, (x, y) => Math.max(x, y))],
  vjp: ({ inputs: [x, y], grads: [g] }) => {
    const first = x.greaterEqual(y);
    const b = g.builder;
    return [unbroadcast(b.where(first, g, 0), x.shape), unbroadcast(b.where(first, 0, g), y.shape)];
  },
});
