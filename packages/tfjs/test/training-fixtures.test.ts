// Every committed training-step fixture (fixtures/train_*) on tfjs's wasm backend in Node; tfjs-cpu (several times
// slower on the torchvision ResNet-18) and Chromium's tfjs-webgl run them by `bench validate`.
import { describeTrainingFixtures } from '@lossgraph/core/conformance';
import { importOnnx } from '@lossgraph/onnx';
import { compile } from '../src/index.js';
import './backends.js';

await describeTrainingFixtures({
  name: 'tfjs-wasm',
  compile: (program, options) => compile(program, { ...options, backend: 'wasm' }),
  importModel: (bytes) => importOnnx(bytes),
});
