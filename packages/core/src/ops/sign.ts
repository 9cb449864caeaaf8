import { defineOp } from './define.js';
import { mapUnary } from './kernel-util.js';
import { NUMERIC, unaryRule } from './rule-util.js';

/** -1, 0 or 1; its derivative is 0 almost everywhere, so it passes no gradient */
export const sign = defineOp<'sign', 1>({
  arity: 1,
  rule: unaryRule('sign', NUMERIC),
  kernel: ([a]) => [mapUnary(a, a.dtype, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0))],
  vjp: null,
});
