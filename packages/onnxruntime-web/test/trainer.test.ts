import { trainerResumeDifferences, trainerSafeStepFailures } from '@lossgraph/core/testing';
import { compile } from '@lossgraph/onnxruntime-web';
import { describe, expect, it } from 'vitest';

describe('trainer on onnxruntime-web (wasm, in Node)', () => {
  it('resuming from a checkpoint after 3 of 6 steps is bit-identical to the uninterrupted run', async () => {
    const differences = await trainerResumeDifferences((program, options) =>
      compile(program, { ...options, executionProviders: ['wasm'] }),
    );
    expect(differences).toEqual([]);
  });

  it('a NaN batch mid-run is rejected and changes nothing; training continues as if it had not come', async () => {
    expect(
      await trainerSafeStepFailures((program, options) =>
        compile(program, { ...options, executionProviders: ['wasm'] }),
      ),
    ).toEqual([]);
  });
});
