import { defineOp } from './define.js';
import { unbroadcast } from './grad-util.js';
import { mapBroadcast } from './kernel-util.js';
import { binaryRule, NUMERIC } from './rule-util.js';

/** x / y; int32 division truncates toward zero (as ONNX Div). */
export const div = defineOp<'div', 2>({
  arity: 2,
  rule: binaryRule('div', NUMERIC),
  kernel: ([a, b]) => [
    mapBroadcast([a, b], a.dtype, a.dtype === 'int32' ? (x, y) => Math.trunc(x / y) : (x, y) => x / y),
  ],
  vjp: ({ inputs: [x, y], outputs: [z], grads: [g] }) => [
    unbroadcast(g.div(y), x.shape),
    unbroadcast(g.mul(z).div(y).neg(), y.shape),
  ],
});
