import { direct, type LoweringTable } from './context.js';

/**
 * Activations and MatMul. Clip takes its bounds as inputs (opset >= 11). HardSwish is written as
 * x·HardSigmoid(x) with alpha 1/6, beta 1/2, ONNX's own function body for it: the WebGPU provider and
 * JSEP of onnxruntime-web have no HardSwish kernel, and the product costs one extra elementwise pass.
 */
export const ACTIVATIONS = {
  relu: direct('Relu'),
  clip: (c) => {
    const { e, attrs } = c;
    e.op('Clip', [c.inputs[0], e.scalar('float32', attrs.min), e.scalar('float32', attrs.max)], c.out(0));
  },
  leakyRelu: (c) => {
    c.e.op('LeakyRelu', c.inputs, c.out(0), { alpha: { float: c.attrs.alpha } });
  },
  sigmoid: direct('Sigmoid'),
  tanh: direct('Tanh'),
  hardSigmoid: (c) => {
    c.e.op('HardSigmoid', c.inputs, c.out(0), { alpha: { float: c.attrs.alpha }, beta: { float: c.attrs.beta } });
  },
  hardSwish: (c) => {
    const x = c.inputs[0];
    const gate = c.e.op('HardSigmoid', [x], 'float32', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
    c.e.op('Mul', [x, gate], c.out(0));
  },
  matMul: direct('MatMul'),
} satisfies Partial<LoweringTable>;
