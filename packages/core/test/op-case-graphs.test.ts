import { describe, expect, it } from 'vitest';
import { caseGraphs, OP_CASES } from '../src/testing/index.js';

// runCase compiles only the VJP graph of a case that has one: that is only sound while it keeps every forward output
describe('op conformance cases: the VJP graph keeps the forward outputs', () => {
  it.each(OP_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { forward, backward } = caseGraphs(c);
    if (backward === undefined) return;
    const names = (g: typeof forward) => g.outputs.map((o) => o.name);
    expect(names(backward)).toEqual(expect.arrayContaining(names(forward)));
    expect(names(backward).length).toBeGreaterThan(names(forward).length);
  });
});
