import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** max(x, 0) (see ir/ops.ts). */
export const relu = defineOp<'relu'>({
  arity: 1,
  rule: unaryRule('relu', FLOAT),
  kernel: () => fail('UNSUPPORTED_OP', 'relu: the reference kernel is not written yet', { op: 'relu' }),
  vjp: null,
});
