import { describe, expect, it } from 'vitest';
import { eliminateDeadCode, foldConstants, GraphBuilder, hashGraph, inferTypes, interpret, LossGraphError, printGraph, verify, type Graph } from '../src/index.js';

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
});
