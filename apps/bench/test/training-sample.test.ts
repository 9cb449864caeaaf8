import { existsSync } from 'node:fs';
import { loadTrainingFixture, runTrainingFixture, trainingSampleFixturePath } from '@lossgraph/core/testing';
import { importOnnx } from '@lossgraph/onnx';
import { compile } from '@lossgraph/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';

const sample = trainingSampleFixturePath();

// the training-step sample (docs/FIXTURES.md "Training steps") on tfjs-cpu, imported from its ONNX bytes
describe.runIf(existsSync(sample))('training-step sample on tfjs-cpu', () => {
  it('losses of every step, gradients, parameters, running stats and eval outputs within the file tolerances', async () => {
    const fx = await loadTrainingFixture(sample);
    const result = await runTrainingFixture(
      (program) => compile(program, { backend: 'cpu' }),
      fx,
      (bytes) => importOnnx(bytes),
    );
    console.log(`tfjs-cpu: worst error / tolerance ${JSON.stringify(result.worst)}`);
    expect(result.failures).toEqual([]);
  });
});
