import { describe, expect, it } from 'vitest';
import { compileReference } from '../backend/reference.js';
import { lossEntry } from '../losses/registry.js';
import {
  checkLossAgainstReference,
  checkOptimReferenceCase,
  loadOptimReference,
  type TrainingTolerances,
  tinyDetectorLosses,
} from '../testing/optim-reference.js';
import type { ConformanceEnv } from './describe-backend.js';

/** docs/FIXTURES.md's training-step floor: float32 backends against PyTorch's float64. */
const FLOOR: TrainingTolerances = { loss: 1e-4, grad: 1e-4, param: 1e-4, state: 1e-4, eval: 1e-4 };

/**
 * Registers the training-step cases for a backend: the tiny detector trained on the MultiBoxLoss by each
 * torch.optim configuration of tools/reference/optim_reference.py (losses of every step, step-0
 * gradients, parameters, running stats, optimizer state, eval outputs), and the same detector trained on every
 * other registered loss whose entry wires it, against the reference interpreter. Top-level await: call it at module level of a test file.
 */
export async function describeTrainingSteps(env: ConformanceEnv, tolerance: TrainingTolerances = FLOOR): Promise<void> {
  const ref = await loadOptimReference();
  const register = env.skip ? it.skip : it;
  describe(`${env.name}: training steps against torch.optim 1.13 (tiny detector)`, () => {
    for (const c of ref.cases) {
      register(`MultiBoxLoss, ${c.name}`, async () => {
        expect(await checkOptimReferenceCase(ref, c, env.compile, tolerance)).toEqual([]);
      });
    }
    for (const name of tinyDetectorLosses()) {
      register(`${lossEntry(name).title}: three steps agree with the reference interpreter`, async () => {
        expect(await checkLossAgainstReference(ref, name, env.compile, compileReference, tolerance.loss)).toEqual([]);
      });
    }
  });
}
