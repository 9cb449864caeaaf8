import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { NUMERIC, unaryRule } from './rule-util.js';

/** -x */
export const neg = defineOp<'neg', 1>({
  arity: 1,
  rule: unaryRule('neg', NUMERIC),
  kernel: ([a]) => [mapUnary(a, a.dtype, (x) => (x === 0 ? 0 : -x))],
  vjp: ({ grads: [g] }) => [g.neg()],
});
