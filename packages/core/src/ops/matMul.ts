import { fail } from '../errors.js';
import { broadcastShapes } from '../ir/shape.js';
import { defineOp } from './define.js';
import { expectDtype, expectRankAtLeast, FLOAT } from './rule-util.js';

/** matrix product, ONNX MatMul for rank >= 2 (see ir/ops.ts). */
export const matMul = defineOp<'matMul'>({
  arity: 2,
  rule: ([a, b]) => {
    expectDtype('matMul', a!, FLOAT, 'first input');
    expectDtype('matMul', b!, FLOAT, 'second input');
    expectRankAtLeast('matMul', a!, 2);
    expectRankAtLeast('matMul', b!, 2);
    const [m, k] = a!.shape.slice(-2);
    const [k2, n] = b!.shape.slice(-2);
    if (typeof k === 'number' && typeof k2 === 'number' && k !== k2) {
      fail('INVALID_GRAPH', `matMul: inner dims ${k} and ${k2} differ`);
    }
    const batch = broadcastShapes(a!.shape.slice(0, -2), b!.shape.slice(0, -2));
    return [{ dtype: 'float32', shape: [...batch, m!, n!] }];
  },
  kernel: () => fail('UNSUPPORTED_OP', 'matMul: the reference kernel is not written yet', { op: 'matMul' }),
  vjp: null,
});
