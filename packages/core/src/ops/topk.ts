import { fail } from '../errors.js';
import { dimAt, resolveDim } from '../ir/shape.js';
import { defineOp } from './define.js';
import { expectAxis, expectDtype, NUMERIC } from './rule-util.js';
import { selectedValuesVjp, topkKernel } from './sort-util.js';

/**
 * The k largest (or smallest) values along `axis`, sorted, with int32 indices; ties: lower index first.
 * k is static (a number or an input-bound symbol), or the value of an int32 scalar second input; then
 * `attrs.k` names the data-dependent dim of the outputs along `axis` (see passes/data-dims.ts).
 */
export const topk = defineOp<'topk', [1, 2]>({
  arity: [1, 2],
  rule: ([x, kTensor], { k, axis }) => {
    expectDtype('topk', x, NUMERIC);
    expectAxis('topk', axis, x.shape.length);
    const d = dimAt(x.shape, axis);
    if (kTensor !== undefined) {
      expectDtype('topk', kTensor, ['int32'], 'k');
      if (kTensor.shape.length !== 0)
        fail('INVALID_GRAPH', `topk: k must be an int32 scalar, got shape [${kTensor.shape}]`);
      if (typeof k !== 'string')
        fail(
          'INVALID_GRAPH',
          `topk: with a tensor k, attribute k must name the data-dependent dim it defines, got ${k}`,
        );
    } else if (typeof k === 'number' && (!Number.isInteger(k) || k < 1 || (typeof d === 'number' && k > d))) {
      fail('INVALID_GRAPH', `topk: k=${k} out of range for dim ${d}`);
    }
    const shape = x.shape.map((v, i) => (i === axis ? k : v));
    return [
      { dtype: x.dtype, shape },
      { dtype: 'int32', shape },
    ];
  },
  defines: (inputs, { k }) => (inputs.length === 2 ? [k as string] : []),
  kernel: ([x, kTensor], { k, axis, largest }, env) => {
    // an empty tensor k reads NaN, which the check below refuses
    const [kk = NaN] = kTensor === undefined ? [resolveDim(k, env)] : kTensor.data;
    if (!(Number.isInteger(kk) && kk >= 0 && kk <= dimAt(x.shape, axis)))
      fail('KERNEL_ERROR', `topk: k=${kk} outside [0, ${x.shape[axis]}]`);
    return topkKernel(x, kk, axis, largest);
  },
  vjp: ({ inputs: [x], outputs: [, idx], grads: [g], attrs: { axis } }) => [
    ...selectedValuesVjp(x, idx!, g, axis),
    undefined,
  ],
});
