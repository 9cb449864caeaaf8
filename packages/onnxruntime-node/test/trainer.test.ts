import { trainerResumeDifferences, trainerSafeStepFailures } from '@lossgraph/core/testing';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

describe('trainer on onnxruntime-node (cpu)', () => {
  it('resuming from a checkpoint after 3 of 6 steps is bit-identical to the uninterrupted run', async () => {
    const differences = await trainerResumeDifferences((program, options) =>
      compile(program, { ...options, executionProviders: ['cpu'] }),
    );
    expect(differences).toEqual([]);
  });

  it('a NaN batch mid-run is rejected and changes nothing; training continues as if it had not come', async () => {
    expect(
      await trainerSafeStepFailures((program, options) =>
        compile(program, { ...options, executionProviders: ['cpu'] }),
      ),
    ).toEqual([]);
  });
});
