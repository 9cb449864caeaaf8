import { describeBackend } from '@lossgraph/core/conformance';
import { OP_CASES, runOpConformance } from '@lossgraph/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { compileAutodiff } from './autodiff-adapter.js';
import { TEST_BACKENDS } from './backends.js';

// apply() differentiates with the IR's own VJPs (tf.customGrad nodes): tfjs's kernel gradients, which
// tfjs-core does not register by itself, are not needed. This file registers none.
it('runs with no tfjs kernel gradient registered', () => {
  expect(tf.getGradient('Add')).toBeUndefined();
});

for (const backend of TEST_BACKENDS) {
  // run(): op cases, every fixture, the contract cases (nothing excluded)
  await describeBackend({
    name: `tfjs-${backend}`,
    compile: (program, options) => compile(program, { ...options, backend }),
  });
  describe(`op conformance, tfjs-${backend}, apply() + tf.grads (tfjs autodiff)`, () => {
    for (const c of runOpConformance(OP_CASES, (p) => compileAutodiff(p, backend))) it(c.name, c.run);
  });
}
