import { existsSync } from 'node:fs';
import { loadTrainingFixture, runTrainingFixture, trainingSampleFixturePath } from '@lossgraph/core/testing';
import { importOnnx } from '@lossgraph/onnx';
import { compile } from '@lossgraph/onnxruntime-web';
import { describe, expect, it } from 'vitest';

const sample = trainingSampleFixturePath();

// the training-step sample (docs/FIXTURES.md "Training steps") on the wasm provider in Node
describe.runIf(existsSync(sample))('training-step sample on onnxruntime-web-wasm (Node)', () => {
  it('losses of every step, gradients, parameters, running stats and eval outputs within the file tolerances', async () => {
    const fx = await loadTrainingFixture(sample);
    const result = await runTrainingFixture(
      (program) => compile(program, { executionProviders: ['wasm'] }),
      fx,
      (bytes) => importOnnx(bytes),
    );
    console.log(`onnxruntime-web-wasm: worst error / tolerance ${JSON.stringify(result.worst)}`);
    expect(result.failures).toEqual([]);
  });
});
