import { describeBackend } from '@lossgraph/core/conformance';
import { compile } from '../src/index.js';

// every IR op lowers to onnxruntime's CPU kernels, every fixture passes: nothing excluded
await describeBackend({
  name: 'onnxruntime-node-cpu',
  compile: (program, options) => compile(program, { ...options, executionProviders: ['cpu'] }),
});
