import { describe, expect, it } from 'vitest';
import {
  eliminateDeadCode,
  foldConstants,
  type Graph,
  GraphBuilder,
  hashGraph,
  inferTypes,
  interpret,
  LossGraphError,
  printGraph,
  verify,
} from '../src/index.js';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return LossGraphError.isInstance(e) ? e.code : 'other';
  }
  return 'none';
}

function sample(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N', 2]);
  const two = b.constant([2], 'float32', []);
  const four = two.mul(two); // foldable
  b.output('y', x.mul(four).sum([1]));
  x.exp(); // dead
  return b.build();
}

describe('passes', () => {
  it('verify rejects a node whose declared type disagrees with its rule', () => {
    const g = sample();
    const values = g.values.map((v, i) => (i === g.nodes[2]!.outputs[0] ? { ...v, shape: [7] } : v));
    expect(code(() => verify({ ...g, values }))).toBe('INVALID_GRAPH');
  });
  it('verify rejects use before definition and double definition', () => {
    const g = sample();
    expect(code(() => verify({ ...g, nodes: [...g.nodes].reverse() }))).toBe('INVALID_GRAPH');
    expect(code(() => verify({ ...g, nodes: [...g.nodes, g.nodes[0]!] }))).toBe('INVALID_GRAPH');
  });
  it('inferTypes restores declared types from the rules', () => {
    const g = sample();
    const broken = { ...g, values: g.values.map((v, i) => (i === g.outputs[0]!.value ? { ...v, shape: [] } : v)) };
    const fixed = inferTypes(broken);
    expect(fixed.values[g.outputs[0]!.value]!.shape).toEqual(['N']);
    verify(fixed);
  });
  it('dead-code elimination drops nodes that reach no output', () => {
    const g = sample();
    const d = eliminateDeadCode(g);
    expect(g.nodes.some((n) => n.op === 'exp')).toBe(true);
    expect(d.nodes.some((n) => n.op === 'exp')).toBe(false);
    verify(d);
  });
  it('constant folding replaces constant subgraphs and keeps results', () => {
    const g = sample();
    const f = foldConstants(g);
    verify(f);
    expect(f.nodes.filter((n) => n.op === 'mul')).toHaveLength(1);
    const feeds = { x: { shape: [2, 2], data: [1, 2, 3, 4] } };
    expect(Array.from(interpret(f, feeds).y!.data)).toEqual(Array.from(interpret(g, feeds).y!.data));
  });
  it('printer and structural hash', () => {
    const g = sample();
    const text = printGraph(g);
    expect(text).toContain("input %0 'x': float32[N,2]");
    expect(text).toMatch(/reduceSum\(%\d+\) \{axes=\[1\], keepDims=false\}/);
    expect(hashGraph(g)).toBe(hashGraph(JSON.parse(JSON.stringify(g)) as Graph));
    expect(hashGraph(g)).not.toBe(hashGraph(eliminateDeadCode(g)));
  });
  it('a graph serialises to JSON and back unchanged', () => {
    const g = sample();
    expect(JSON.parse(JSON.stringify(g))).toEqual(g);
  });
  describe('data-dependent dims', () => {
    function dynamic(): { graph: Graph; dim: string } {
      const b = new GraphBuilder();
      const x = b.input('x', 'float32', ['N', 5]);
      const k = b.input('k', 'int32', []);
      const [, idx] = x.topk(k, 1);
      const dim = idx.shape[1] as string;
      b.output('r', b.range(dim)); // uses the dim only in an attribute
      return { graph: b.build(), dim };
    }
    it('a fresh name per defining node, bound at run time from its output', () => {
      const { graph, dim } = dynamic();
      expect(dim).toMatch(/^\$k\d+$/);
      const out = interpret(graph, {
        x: { shape: [2, 5], data: [1, 2, 3, 4, 5, 5, 4, 3, 2, 1] },
        k: { dtype: 'int32', shape: [], data: [2] },
      });
      expect(Array.from(out.r!.data)).toEqual([0, 1]);
    });
    it('verify rejects a use before the definition and a second definition', () => {
      const { graph, dim } = dynamic();
      const [topk, range] = [graph.nodes.find((n) => n.op === 'topk')!, graph.nodes.find((n) => n.op === 'range')!];
      expect(code(() => verify({ ...graph, nodes: [range, ...graph.nodes.filter((n) => n !== range)] }))).toBe(
        'INVALID_GRAPH',
      );
      const values = [
        ...graph.values,
        ...topk.outputs.map((o, i) => ({ ...graph.values[o]!, id: graph.values.length + i })),
      ];
      const renamed = { ...topk, outputs: topk.outputs.map((_, i) => graph.values.length + i) };
      expect(() => verify({ ...graph, values, nodes: [...graph.nodes, renamed] })).toThrow(
        new RegExp(`dim '\\${dim}' is already bound`),
      );
    });
    it('dead-code elimination keeps the defining node of a dim a live node uses; folding never folds it', () => {
      const { graph } = dynamic();
      const kept = eliminateDeadCode(graph);
      expect(kept.nodes.some((n) => n.op === 'topk')).toBe(true);
      verify(kept);
      const b = new GraphBuilder();
      const [v] = b.constant([3, 1, 2]).topk(b.scalar(2, 'int32'), 0);
      b.output('v', v.sum());
      const folded = foldConstants(b.build());
      expect(folded.nodes.some((n) => n.op === 'topk')).toBe(true);
      expect(interpret(folded, {}).v!.data[0]).toBe(5);
    });
  });
});
