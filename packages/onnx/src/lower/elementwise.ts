import { ONNX_ELEM_TYPE } from '../dtypes.js';
import { direct, type LoweringTable } from './context.js';

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
  or: direct('Or'),
  not: direct('Not'),
  where: direct('Where'),
  cast: (c) => {
    if (c.attrs.to === c.inputTypes[0]!.dtype) c.alias(0, c.inputs[0]!);
    else c.e.op('Cast', c.inputs, c.out(0), { to: ONNX_ELEM_TYPE[c.attrs.to] });
  },
  exp: direct('Exp'),
  log: direct('Log'),
  abs: direct('Abs'),
  neg: direct('Neg'),
  sqrt: direct('Sqrt'),
  sign: direct('Sign'),
} satisfies Partial<LoweringTable>;
