// Every committed training-step fixture (fixtures/train_*, written by tools/reference/make_train_fixtures.py) on
// onnxruntime-node's CPU provider; `bench validate` runs them on every backend, Chromium's included.
import { describeTrainingFixtures } from '@lossgraph/core/conformance';
import { importOnnx } from '@lossgraph/onnx';
import { compile } from '../src/index.js';

await describeTrainingFixtures({
  name: 'onnxruntime-node-cpu',
  compile: (program, options) => compile(program, { ...options, executionProviders: ['cpu'] }),
  importModel: (bytes) => importOnnx(bytes),
});
