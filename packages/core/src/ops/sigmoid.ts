import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** 1 / (1 + e^-x) (see ir/ops.ts). */
export const sigmoid = defineOp<'sigmoid'>({
  arity: 1,
  rule: unaryRule('sigmoid', FLOAT),
  kernel: () => fail('UNSUPPORTED_OP', 'sigmoid: the reference kernel is not written yet', { op: 'sigmoid' }),
  vjp: null,
});
