import { fail } from '../errors.js';
import { defineOp } from './define.js';
import { FLOAT, unaryRule } from './rule-util.js';

/** leaky ReLU (see ir/ops.ts). */
export const leakyRelu = defineOp<'leakyRelu'>({
  arity: 1,
  rule: unaryRule('leakyRelu', FLOAT),
  kernel: () => fail('UNSUPPORTED_OP', 'leakyRelu: the reference kernel is not written yet', { op: 'leakyRelu' }),
  vjp: null,
});
