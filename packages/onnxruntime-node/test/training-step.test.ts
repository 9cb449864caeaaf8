import { describeTrainingSteps } from '@lossgraph/core/conformance';
import { compile } from '../src/index.js';

await describeTrainingSteps({
  name: 'onnxruntime-node-cpu',
  compile: (program, options) => compile(program, { ...options, executionProviders: ['cpu'] }),
});
