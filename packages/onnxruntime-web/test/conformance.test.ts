import { OP_CASES, runOpConformance } from '@lossgraph/core/testing';
import { describe, it } from 'vitest';
import { compile } from '@lossgraph/onnxruntime-web';

// One thread: each case is a tiny graph, and worker start-up would dominate.
const cases = runOpConformance(OP_CASES, (program) => compile(program, { executionProviders: ['wasm'], numThreads: 1 }));

describe('op conformance on onnxruntime-web wasm (Node)', () => {
  for (const c of cases) it(c.name, c.run);
});
