import { defineOp } from './define.js';
import { unbroadcast } from './grad-util.js';
import { mapBroadcast } from './kernel-util.js';
import { binaryRule, NUMERIC } from './rule-util.js';

/** x - y */
export const sub = defineOp<'sub', 2>({
  arity: 2,
  rule: binaryRule('sub', NUMERIC),
  kernel: ([a, b]) => [mapBroadcast([a, b], a.dtype, (x, y) => x - y)],
  vjp: ({ inputs: [x, y], grads: [g] }) => [unbroadcast(g, x.shape), unbroadcast(g.neg(), y.shape)],
});
