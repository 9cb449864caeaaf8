import { describe, it } from 'vitest';
import { OP_CASES, runOpConformance } from '@lossgraph/core/testing';
import { compile } from '../src/index.js';

/** Ops this backend skips, each with its reason (none: every IR op lowers to onnxruntime's CPU kernels). */
const EXCLUDED: Readonly<Record<string, string>> = {};

describe('op conformance on onnxruntime-node-cpu', () => {
  for (const c of runOpConformance(OP_CASES, (program) => compile(program, { executionProviders: ['cpu'], intraOpNumThreads: 1 }))) {
    const reason = EXCLUDED[c.name] ?? EXCLUDED[c.op];
    if (reason !== undefined) it.skip(`${c.name} (excluded: ${reason})`, () => {});
    else it(c.name, c.run);
  }
});
