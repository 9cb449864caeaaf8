import { describe, expect, it } from 'vitest';
import { compileReference } from '../src/index.js';
import { checkOptimReferenceCase, loadOptimReference } from '../src/testing/optim-reference.js';

const ref = await loadOptimReference();

describe('training step against torch.optim 1.13 (float64 reference interpreter)', () => {
  it('has every optimizer configuration of the reference file', () => {
    expect(ref.cases.map((c) => c.name).sort()).toEqual(
      ['adam', 'adam_amsgrad', 'adamw', 'sgd', 'sgd_momentum', 'sgd_nesterov'].sort(),
    );
  });
  for (const c of ref.cases) {
    it(`${c.name}: losses, gradients, parameters, state and eval outputs`, async () => {
      // float64 throughout: losses (stored as F64) agree to 1e-9; tensors are stored as F32, so to their rounding
      const rounding = 2 ** -23;
      const tight = { loss: 1e-9, grad: rounding, param: rounding, state: rounding, eval: rounding };
      expect(await checkOptimReferenceCase(ref, c, compileReference, tight)).toEqual([]);
    });
  }
});
