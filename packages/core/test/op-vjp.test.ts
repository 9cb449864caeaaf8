import { describe, expect, it } from 'vitest';
import { appendGradients, type Graph, GraphBuilder, type HostTensor, interpret } from '../src/index.js';
import { caseFeeds, caseGraphs } from '../src/testing/conformance.js';
import { OP_CASES } from '../src/testing/index.js';

/** Central finite differences of the scalar output 'loss' with respect to one input, in float64. */
function numericGradient(graph: Graph, feeds: Record<string, HostTensor>, input: string, eps = 1e-6): number[] {
  const base = feeds[input]!;
  const x = Float64Array.from(base.data);
  const at = (data: Float64Array) =>
    interpret(graph, { ...feeds, [input]: { ...base, data } }, ['loss']).loss!.data[0]!;
  return Array.from(x, (_, i) => {
    const p = x.slice();
    const m = x.slice();
    p[i]! += eps;
    m[i]! -= eps;
    return (at(p) - at(m)) / (2 * eps);
  });
}

describe('VJPs agree with central finite differences (float64)', () => {
  // stopGradient differs from finite differences by definition, and kinks follow PyTorch's conventions:
  // both have their own tests
  for (const c of OP_CASES.filter((x) => x.op !== 'stopGradient' && x.atKinks !== true)) {
    const { backward } = caseGraphs(c);
    if (backward === undefined) continue;
    it(c.name, () => {
      const feeds = caseFeeds(c, backward, { n: 3, seed: 99 });
      // float64 feeds so the finite differences are not limited by float32 rounding
      for (const k of Object.keys(feeds))
        if (feeds[k]!.dtype === 'float32') feeds[k] = { ...feeds[k]!, data: Float64Array.from(feeds[k]!.data) };
      const out = interpret(backward, feeds);
      const gradNames = backward.outputs.map((o) => o.name).filter((n) => n.startsWith('grad_'));
      expect(gradNames.length).toBeGreaterThan(0);
      for (const g of gradNames) {
        const want = numericGradient(backward, feeds, g.slice('grad_'.length));
        const got = Array.from(out[g]!.data);
        const scale = Math.max(1, ...want.map(Math.abs));
        for (const [i, v] of got.entries())
          expect(Math.abs(v - want[i]!), `${g}[${i}]: ${v} vs ${want[i]}`).toBeLessThan(1e-6 * scale);
      }
    });
  }
});

describe('gradient stops', () => {
  it('stopGradient blocks its path: d/dx sum(stop(x) * x) = x', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [3]);
    b.output('loss', x.stopGradient().mul(x).sum());
    const g = appendGradients(b.build(), { of: ['loss'], wrt: { x: 'gx' } });
    expect(Array.from(interpret(g, { x: { shape: [3], data: [1, -2, 5] } }).gx!.data)).toEqual([1, -2, 5]);
  });
  it('sign, comparisons and integer paths carry no gradient', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [3]);
    const viaInt = x.mul(3).cast('int32').cast('float32');
    b.output(
      'loss',
      x
        .sign()
        .add(viaInt)
        .add(b.where(x.less(0), 1, 0))
        .sum(),
    );
    const g = appendGradients(b.build(), { of: ['loss'], wrt: { x: 'gx' } });
    expect(Array.from(interpret(g, { x: { shape: [3], data: [1, -2, 5] } }).gx!.data)).toEqual([0, 0, 0]);
  });
});
