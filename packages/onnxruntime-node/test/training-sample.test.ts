import { existsSync } from 'node:fs';
import { compileReference } from '@lossgraph/core';
import { loadTrainingFixture, runTrainingFixture, trainingSampleFixturePath } from '@lossgraph/core/testing';
import { importOnnx } from '@lossgraph/onnx';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

const sample = trainingSampleFixturePath();

// docs/FIXTURES.md "Training steps": the independent sample (conv-BN-ReLU, MaxPool, SSD heads; SGD momentum,
// weight decay; 3 steps) imported from its ONNX bytes, trained, and compared under the file's tolerances
describe.runIf(existsSync(sample))('training-step sample train_sample_vgg_bn', () => {
  const backends = {
    reference: compileReference,
    'onnxruntime-node-cpu': (program: Parameters<typeof compile>[0]) =>
      compile(program, { executionProviders: ['cpu'] }),
  };
  for (const [name, compileFn] of Object.entries(backends)) {
    it(`${name}: losses of every step, gradients, parameters, running stats and eval outputs`, async () => {
      const fx = await loadTrainingFixture(sample);
      const result = await runTrainingFixture(compileFn, fx, (bytes) => importOnnx(bytes));
      console.log(`${name}: worst error / tolerance ${JSON.stringify(result.worst)}`);
      expect(result.failures).toEqual([]);
    });
  }
});
