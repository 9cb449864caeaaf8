import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** max(0, min(1, alpha·x + beta)) (see ir/ops.ts). */
export const hardSigmoid = defineOp<'hardSigmoid'>({
  arity: 1,
  rule: unaryRule('hardSigmoid', FLOAT),
  kernel: () => fail('UNSUPPORTED_OP', 'hardSigmoid: the reference kernel is not written yet', { op: 'hardSigmoid' }),
  vjp: null,
});
