import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** hyperbolic tangent (see ir/ops.ts). */
export const tanh = defineOp<'tanh'>({
  arity: 1,
  rule: unaryRule('tanh', FLOAT),
  kernel: () => fail('UNSUPPORTED_OP', 'tanh: the reference kernel is not written yet', { op: 'tanh' }),
  vjp: null,
});
