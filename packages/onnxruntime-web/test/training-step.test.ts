import { describeTrainingSteps } from '@lossgraph/core/conformance';
import { compile } from '@lossgraph/onnxruntime-web';

await describeTrainingSteps({
  name: 'onnxruntime-web-wasm (Node)',
  compile: (program, options) => compile(program, { ...options, executionProviders: ['wasm'] }),
});
