import { describeTrainingSteps } from '@lossgraph/core/conformance';
import { compile } from '../src/index.js';
import { TEST_BACKENDS } from './backends.js';

for (const backend of TEST_BACKENDS)
  await describeTrainingSteps({
    name: `tfjs-${backend}`,
    compile: (program, options) => compile(program, { ...options, backend }),
  });
