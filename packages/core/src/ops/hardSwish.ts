import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** x · hardSigmoid(x) (see ir/ops.ts). */
export const hardSwish = defineOp<'hardSwish'>({
  arity: 1,
  rule: unaryRule('hardSwish', FLOAT),
  kernel: () => fail('UNSUPPORTED_OP', 'hardSwish: the reference kernel is not written yet', { op: 'hardSwish' }),
  vjp: null,
});
