import { describe, expect, it } from 'vitest';
import { GraphBuilder, LossGraphError } from '../src/index.js';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (LossGraphError.isInstance(e)) return e.code;
    throw e;
  }
  return 'no error';
}

const conv = { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 } as const;
const pool = { kernelSize: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceilMode: false } as const;

describe('shape rules of the 2-D network ops', () => {
  it('conv2d checks channels against the group', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 4, 8, 8]);
    expect(x.conv2d(b.input('w', 'float32', [6, 2, 3, 3]), { ...conv, group: 2 }).shape).toEqual(['N', 6, 6, 6]);
    expect(code(() => x.conv2d(b.input('v', 'float32', [6, 3, 3, 3]), { ...conv, group: 2 }))).toBe('INVALID_GRAPH');
    expect(code(() => x.conv2d(b.input('u', 'float32', [5, 2, 3, 3]), { ...conv, group: 2 }))).toBe('INVALID_GRAPH');
  });

  it("ceil mode rounds up, but drops a window that would start past the input and its leading pad (PyTorch's rule)", () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 1, 7, 6]);
    expect(x.maxPool2d({ ...pool, ceilMode: true }).shape).toEqual(['N', 1, 4, 3]);
    expect(x.maxPool2d(pool).shape).toEqual(['N', 1, 3, 3]);
    // 6 + 2·1 - 3 = 5 rows of span: ceil(5/4) + 1 = 3 windows, the third would start at 8 - 1 = 7 > 6: dropped
    const k3s4 = { ...pool, kernelSize: [3, 3], strides: [4, 4], pads: [1, 1, 1, 1], ceilMode: true } as const;
    expect(x.slice(2, 0, 6).maxPool2d(k3s4).shape).toEqual(['N', 1, 2, 2]);
  });

  it('a pool window wholly in the padding is refused', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 1, 4, 4]);
    expect(code(() => x.maxPool2d({ ...pool, pads: [2, 0, 0, 0] }))).toBe('INVALID_GRAPH');
    expect(code(() => x.avgPool2d({ ...pool, pads: [0, 0, 0, 2], countIncludePad: false }))).toBe('INVALID_GRAPH');
  });

  it('convTranspose2d needs outputPadding below the stride', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 2, 3, 3]);
    const w = b.input('w', 'float32', [2, 3, 3, 3]);
    const s2 = { ...conv, strides: [2, 2] } as const;
    expect(x.convTranspose2d(w, { ...s2, outputPadding: [1, 0] }).shape).toEqual(['N', 3, 8, 7]);
    expect(code(() => x.convTranspose2d(w, { ...s2, outputPadding: [2, 0] }))).toBe('INVALID_GRAPH');
  });

  it('resizeNearest takes positive integer scales', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 'C', 3, 4]);
    expect(x.resizeNearest([2, 3]).shape).toEqual(['N', 'C', 6, 12]);
    expect(code(() => x.resizeNearest([1.5, 2]))).toBe('INVALID_GRAPH');
  });
});
