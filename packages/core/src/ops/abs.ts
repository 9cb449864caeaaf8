import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { NUMERIC, unaryRule } from './rule-util.js';

/** |x|; the gradient at 0 is 0 */
export const abs = defineOp<'abs', 1>({
  arity: 1,
  rule: unaryRule('abs', NUMERIC),
  kernel: ([a]) => [mapUnary(a, a.dtype, Math.abs)],
  vjp: ({ inputs: [x], grads: [g] }) => [g.mul(x.sign())],
});
