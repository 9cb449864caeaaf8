import { first } from '@lossgraph/core';
import { ONNX_ELEM_TYPE } from '../dtypes.js';
import { lowerAtan } from './atan.js';
import { direct, type LoweringTable } from './context.js';
import { boolWhere, or, sign } from './webgpu.js';

/**
 * Elementwise ops. ONNX broadcasting and semantics match the IR's: integer Div truncates toward zero
 * (C++ division in onnxruntime), Cast float -> int truncates, -> bool is `!= 0`, bool -> number is 0/1.
 */
export const ELEMENTWISE = {
  add: direct('Add'),
  sub: direct('Sub'),
  mul: direct('Mul'),
  div: direct('Div'),
  maximum: direct('Max'),
  minimum: direct('Min'),
  equal: direct('Equal'),
  less: direct('Less'),
  lessEqual: direct('LessOrEqual'),
  greater: direct('Greater'),
  greaterEqual: direct('GreaterOrEqual'),
  and: direct('And'),
  or: (c) => {
    or(c.e, c.inputs[0], c.inputs[1], c.out(0));
  },
  not: direct('Not'),
  where: (c) => {
    const e = c.e;
    const [cond, a, b] = c.inputs;
    const out = first(c.outputTypes);
    if (out.dtype !== 'bool') {
      // onnxruntime's CPU Where is several times slower when the condition broadcasts along inner axes
      // than on a full-size condition, and expanding a bool condition is cheap (on the CPU only)
      const full = e.webgpu ? cond : e.broadcast(cond, c.inputTypes[0].shape, out.shape);
      e.op('Where', [full, a, b], c.out(0));
      return;
    }
    if (e.webgpu) {
      boolWhere(e, cond, a, b, c.out(0));
      return;
    }
    // the CUDA provider's Where has no bool branches: (c and a) or (not c and b) is the same, exactly
    const whenTrue = e.op('And', [cond, a], 'bool');
    const whenFalse = e.op('And', [e.op('Not', [cond], 'bool'), b], 'bool');
    or(e, whenTrue, whenFalse, c.out(0));
  },
  cast: (c) => {
    if (c.attrs.to === c.inputTypes[0].dtype) c.alias(0, c.inputs[0]);
    else c.e.op('Cast', c.inputs, c.out(0), { to: ONNX_ELEM_TYPE[c.attrs.to] });
  },
  exp: direct('Exp'),
  log: direct('Log'),
  abs: direct('Abs'),
  neg: direct('Neg'),
  sqrt: direct('Sqrt'),
  sign: (c) => {
    sign(c.e, c.inputs[0], c.out(0));
  },
  atan: lowerAtan,
} satisfies Partial<LoweringTable>;
