import { compileReference } from '@lossgraph/core';
import { checkOptimReferenceCase, checkRetinanetAgainstReference, loadOptimReference } from '@lossgraph/core/testing';
import { compile } from '@lossgraph/onnxruntime-web';
import { describe, expect, it } from 'vitest';

const ref = await loadOptimReference();

// FIXTURES.md's training-step floor, float32 against PyTorch's float64
const tolerance = { loss: 1e-4, grad: 1e-4, param: 1e-4, state: 1e-4, eval: 1e-4 };

describe('onnxruntime-web-wasm (Node): training steps against torch.optim 1.13 (tiny detector, MultiBoxLoss)', () => {
  for (const c of ref.cases) {
    it(c.name, async () => {
      const failures = await checkOptimReferenceCase(
        ref,
        c,
        (program) => compile(program, { executionProviders: ['wasm'] }),
        tolerance,
      );
      expect(failures).toEqual([]);
    });
  }

  it('RetinaNet loss: three steps agree with the reference interpreter', async () => {
    const failures = await checkRetinanetAgainstReference(
      ref,
      (program) => compile(program, { executionProviders: ['wasm'] }),
      compileReference,
      1e-4,
    );
    expect(failures).toEqual([]);
  });
});
