import { trainerResumeDifferences } from '@lossgraph/core/testing';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

describe('trainer on onnxruntime-node (cpu)', () => {
  it('resuming from a checkpoint after 3 of 6 steps is bit-identical to the uninterrupted run', async () => {
    const differences = await trainerResumeDifferences((program, options) =>
      compile(program, { ...options, executionProviders: ['cpu'] }),
    );
    expect(differences).toEqual([]);
  });
});
