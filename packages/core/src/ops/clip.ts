import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** min(max(x, min), max) (see ir/ops.ts). */
export const clip = defineOp<'clip'>({
  arity: 1,
  rule: unaryRule('clip', FLOAT),
  kernel: () => fail('UNSUPPORTED_OP', 'clip: the reference kernel is not written yet', { op: 'clip' }),
  vjp: null,
});
