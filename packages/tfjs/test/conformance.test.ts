import { OP_CASES, runOpConformance } from '@lossgraph/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { compileAutodiff } from './autodiff-adapter.js';
import { TEST_BACKENDS, type TestBackend } from './backends.js';

/** Cases a backend cannot pass, with the reason (reported as skipped, never as passed). */
const EXCLUDED: Record<TestBackend, Readonly<Record<string, string>>> = { cpu: {}, wasm: {} };

// apply() differentiates with the IR's own VJPs (tf.customGrad nodes): tfjs's kernel gradients, which
// tfjs-core does not register by itself, are not needed. This file registers none.
it('runs with no tfjs kernel gradient registered', () => {
  expect(tf.getGradient('Add')).toBeUndefined();
});

for (const backend of TEST_BACKENDS) {
  const register = (entries: ReturnType<typeof runOpConformance>) => {
    for (const c of entries) {
      const reason = EXCLUDED[backend][c.name];
      if (reason === undefined) it(c.name, c.run);
      else it.skip(`${c.name} — excluded: ${reason}`, c.run);
    }
  };
  describe(`op conformance, tfjs-${backend}, run() (graph's own VJPs)`, () => {
    register(runOpConformance(OP_CASES, (p) => compile(p, { backend })));
  });
  describe(`op conformance, tfjs-${backend}, apply() + tf.grads (tfjs autodiff)`, () => {
    register(runOpConformance(OP_CASES, (p) => compileAutodiff(p, backend)));
  });
}
