// Every committed training-step fixture (fixtures/train_*) on onnxruntime-web's wasm provider in Node; Chromium's
// wasm and WebGPU rows run them by `bench validate`.
import { describeTrainingFixtures } from '@lossgraph/core/conformance';
import { importOnnx } from '@lossgraph/onnx';
import { compile } from '../src/index.js';

await describeTrainingFixtures({
  name: 'onnxruntime-web-wasm',
  compile: (program, options) => compile(program, { ...options, executionProviders: ['wasm'] }),
  importModel: (bytes) => importOnnx(bytes),
});
