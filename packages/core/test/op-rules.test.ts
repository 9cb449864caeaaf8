import { describe, expect, it } from 'vitest';
import { GraphBuilder, LossGraphError, OP_NAMES, OPS, type OpDef, type OpName } from '../src/index.js';
import { OP_CASES } from '../src/testing/index.js';

function invalid(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (LossGraphError.isInstance(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('shape and dtype rules', () => {
  it('every op has a conformance case, and every case builds a verified graph', () => {
    const covered = new Set(OP_CASES.map((c) => c.op));
    expect(OP_NAMES.filter((op) => !covered.has(op))).toEqual([]);
  });

  it('the op table is exhaustive at the type level', () => {
    // Removing an entry must not compile: the registry's type demands every OpName.
    const { add: _dropped, ...withoutAdd } = OPS;
    // @ts-expect-error -- 'add' is missing, so this is not an exhaustive op table
    const partial: { readonly [K in OpName]: OpDef<K> } = withoutAdd;
    expect(Object.keys(partial)).not.toContain('add');
    for (const op of OP_NAMES) {
      expect(typeof OPS[op].rule).toBe('function');
      expect(typeof OPS[op].kernel).toBe('function');
      expect(OPS[op].vjp === null || typeof OPS[op].vjp === 'function').toBe(true);
    }
  });

  it('broadcasting keeps symbols and stretches literal 1s', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['B', 1, 4]);
    const y = b.input('y', 'float32', ['P', 1]);
    expect(x.add(y).shape).toEqual(['B', 'P', 4]);
    expect(invalid(() => x.add(b.input('z', 'float32', ['C'])))).toBe('INVALID_GRAPH');
  });

  it('dtype rules', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N']);
    const i = b.input('i', 'int32', ['N']);
    const m = b.input('m', 'bool', ['N']);
    expect(x.less(0).dtype).toBe('bool');
    expect(i.argMax(0).dtype).toBe('int32');
    expect(i.cast('float32').dtype).toBe('float32');
    expect(invalid(() => x.add(i))).toBe('INVALID_GRAPH');
    expect(invalid(() => i.log())).toBe('INVALID_GRAPH');
    expect(invalid(() => x.and(m))).toBe('INVALID_GRAPH');
    expect(invalid(() => b.where(x, x, x))).toBe('INVALID_GRAPH');
    expect(invalid(() => x.gather(x, 0))).toBe('INVALID_GRAPH');
    expect(invalid(() => x.logSoftmax().sum().add(i.sum()))).toBe('INVALID_GRAPH');
  });

  it('reductions, argMax and logSoftmax shapes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['B', 'P', 'C']);
    expect(x.sum([1]).shape).toEqual(['B', 'C']);
    expect(x.max([0, 2], true).shape).toEqual([1, 'P', 1]);
    expect(x.argMax(-1).shape).toEqual(['B', 'P']);
    expect(x.logSoftmax(2).shape).toEqual(['B', 'P', 'C']);
    expect(x.sum().shape).toEqual([]);
    expect(invalid(() => x.sum([3]))).toBe('INVALID_GRAPH');
  });

  it('shape ops', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['B', 6]);
    expect(x.reshape(['B', 2, 3]).shape).toEqual(['B', 2, 3]);
    expect(invalid(() => x.reshape(['B', 5]))).toBe('INVALID_GRAPH');
    expect(invalid(() => x.reshape(['P', 6]))).toBe('INVALID_GRAPH');
    expect(x.unsqueeze(1).expand(['B', 4, 6]).shape).toEqual(['B', 4, 6]);
    expect(invalid(() => x.expand(['B', 7]))).toBe('INVALID_GRAPH');
    expect(x.slice(1, 2, 5).shape).toEqual(['B', 3]);
    expect(invalid(() => x.slice(0, 1, 2))).toBe('INVALID_GRAPH');
    expect(invalid(() => x.slice(1, 4, 9))).toBe('INVALID_GRAPH');
    expect(b.concat([x, x.slice(1, 0, 2)], 1).shape).toEqual(['B', 8]);
    expect(invalid(() => b.concat([x, x], 0))).toBe('INVALID_GRAPH');
    expect(x.unsqueeze(2).squeeze(2).shape).toEqual(['B', 6]);
    expect(invalid(() => x.squeeze(1))).toBe('INVALID_GRAPH');
    expect(x.transpose([1, 0]).shape).toEqual([6, 'B']);
    expect(invalid(() => x.transpose([0, 0]))).toBe('INVALID_GRAPH');
  });

  it('indexing ops', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['B', 'P', 4]);
    const i = b.input('i', 'int32', ['B', 'P', 1]);
    const k = b.input('k', 'int32', [2, 3]);
    expect(x.gather(k, 1).shape).toEqual(['B', 2, 3, 4]);
    expect(x.gatherElements(i, 2).shape).toEqual(['B', 'P', 1]);
    expect(invalid(() => x.gatherElements(k, 1))).toBe('INVALID_GRAPH');
    expect(x.scatterElements(i, x.slice(2, 0, 1), 2, 'add').shape).toEqual(['B', 'P', 4]);
    expect(invalid(() => x.scatterElements(i, x, 2))).toBe('INVALID_GRAPH');
    const [v, ix] = x.topk(2, 2);
    expect([v.shape, ix.shape, ix.dtype]).toEqual([['B', 'P', 2], ['B', 'P', 2], 'int32']);
    expect(invalid(() => x.topk(5, 2))).toBe('INVALID_GRAPH');
    expect(x.sort(1, true)[1].shape).toEqual(['B', 'P', 4]);
    expect(x.cumsum(1).shape).toEqual(['B', 'P', 4]);
    expect(b.range('P').shape).toEqual(['P']);
    expect(i.squeeze(2).oneHot(4).shape).toEqual(['B', 'P', 4]);
    expect(invalid(() => x.oneHot(3))).toBe('INVALID_GRAPH');
    expect(invalid(() => b.constant([1, 2, 3], 'float32', [2, 2]))).toBe('INVALID_GRAPH');
  });

  it('a symbol used in attributes must be bound by an input', () => {
    const b = new GraphBuilder();
    b.input('x', 'float32', ['N']);
    b.output('r', b.range('Q'));
    expect(invalid(() => b.build())).toBe('INVALID_GRAPH');
  });
});
