import { caseGraphs, OP_CASES } from '@lossgraph/core/testing';
import { describe, expect, it } from 'vitest';
import { type OnnxOpUse, onnxOpsUsed } from '../src/index.js';

const NETWORK_OPS = new Set([
  'conv2d',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
  'convTranspose2d',
  'maxPool2d',
  'maxPool2dGrad',
  'avgPool2d',
  'avgPool2dGrad',
  'resizeNearest',
]);

/**
 * Float32 ops that onnxruntime's native WebGPU provider registers, among those these lowerings may use; a node
 * outside the list would fall back to the CPU. Left out on purpose: MaxPool's Indices output and
 * ConstantOfShape (no WebGPU kernel), ScatterElements (none in the JSEP build) and Pad (the CUDA provider
 * serves it at opset 18 only).
 */
const WEBGPU = new Set([
  'Add',
  'Cast',
  'Concat',
  'Conv',
  'ConvTranspose',
  'Equal',
  'Expand',
  'Gemm',
  'MaxPool',
  'Mul',
  'ReduceSum',
  'Reshape',
  'Resize',
  'Shape',
  'Slice',
  'Sub',
  'Transpose',
  'Unsqueeze',
]);

function uses(): OnnxOpUse[] {
  const cases = OP_CASES.filter((c) => NETWORK_OPS.has(c.op));
  return cases.flatMap((c) => {
    const { forward, backward } = caseGraphs(c);
    return (backward === undefined ? [forward] : [forward, backward]).flatMap((g) => onnxOpsUsed(g));
  });
}

describe('the convolution and pool lowerings stay on the GPU providers', () => {
  const all = uses();
  it('emit only ops the WebGPU provider registers', () => {
    expect(all.length).toBeGreaterThan(50);
    expect([...new Set(all.map((u) => u.opType).filter((op) => !WEBGPU.has(op)))]).toEqual([]);
  });
  it('never ask MaxPool for its Indices, and never scatter', () => {
    const maxPools = all.filter((u) => u.opType === 'MaxPool');
    expect(maxPools.length).toBeGreaterThan(0);
    expect(maxPools.every((u) => u.outputTypes.length === 1)).toBe(true);
    expect(all.some((u) => u.opType.startsWith('Scatter'))).toBe(false);
  });
});
