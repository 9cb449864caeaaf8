import { GraphBuilder, LossGraphError, multiboxLossProgram, OP_NAMES } from '@lossgraph/core';
import { describe, expect, it } from 'vitest';
import { bindDims, LOWERINGS, onnxOpsUsed, toOnnxModel } from '../src/index.js';
import { decodeModel as decode, ELEM, io as ioOf } from './decode.js';

describe('toOnnxModel', () => {
  it('keeps the IR inputs and outputs: names, dtypes, symbolic dims as dim_param', () => {
    const graph = multiboxLossProgram({ outputs: ['num_pos', 'conf_t_label'] }).graph;
    const m = decode(toOnnxModel(graph));
    expect(m.opsetImport.map((o) => [o.domain, o.version])).toEqual([['', 18]]);
    expect(m.graph.input.map(ioOf)).toEqual([
      { name: 'loc_data', elemType: ELEM.FLOAT, dims: ['B', 'P', 4] },
      { name: 'conf_data', elemType: ELEM.FLOAT, dims: ['B', 'P', 'C'] },
      { name: 'dbox_list', elemType: ELEM.FLOAT, dims: ['P', 4] },
      { name: 'targets', elemType: ELEM.FLOAT, dims: ['B', 'M', 5] },
      { name: 'num_objs', elemType: ELEM.INT32, dims: ['B'] },
    ]);
    expect(m.graph.output.map(ioOf)).toEqual([
      { name: 'loss_l', elemType: ELEM.FLOAT, dims: [] },
      { name: 'loss_c', elemType: ELEM.FLOAT, dims: [] },
      { name: 'num_pos', elemType: ELEM.INT32, dims: ['B'] },
      { name: 'conf_t_label', elemType: ELEM.INT32, dims: ['B', 'P'] },
      { name: 'grad_loc', elemType: ELEM.FLOAT, dims: ['B', 'P', 4] },
      { name: 'grad_conf', elemType: ELEM.FLOAT, dims: ['B', 'P', 'C'] },
    ]);
    expect(m.producerName).toBe('lossgraph');
  });

  it('maps bool to BOOL and names an output that is also another output or an input copy', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 2]);
    const mask = x.greater(0);
    b.output('mask', mask);
    b.output('mask_again', mask);
    b.output('same', x.stopGradient());
    const m = decode(toOnnxModel(b.build()));
    expect(m.graph.output.map(ioOf)).toEqual([
      { name: 'mask', elemType: ELEM.BOOL, dims: ['N', 2] },
      { name: 'mask_again', elemType: ELEM.BOOL, dims: ['N', 2] },
      { name: 'same', elemType: ELEM.FLOAT, dims: ['N', 2] },
    ]);
    const produced = new Set(m.graph.node.flatMap((n) => n.output));
    for (const o of ['mask', 'mask_again', 'same']) expect(produced.has(o)).toBe(true);
  });

  it('computes each symbolic dim once, in-graph, from the input that carries it', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 6]);
    b.output('a', x.reshape(['N', 2, 3]));
    b.output('b', x.reshape(['N', 3, 2]));
    b.output('r', b.range('N'));
    const m = decode(toOnnxModel(b.build()));
    const shapes = m.graph.node.filter((n) => n.opType === 'Shape');
    expect(shapes).toHaveLength(1);
    expect(shapes[0]!.input).toEqual(['x']);
    const attrs = Object.fromEntries(shapes[0]!.attribute.map((a) => [a.name, a.i]));
    expect(attrs).toEqual({ start: 0, end: 1 });
  });

  it('folds constants and drops dead code before emitting', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N']);
    const c = b.constant([1, 2], 'float32', [2]).mul(3).sum();
    x.exp(); // dead
    b.output('y', x.add(c));
    const m = decode(toOnnxModel(b.build()));
    expect(m.graph.node.map((n) => n.opType)).toEqual(['Add']);
    expect(m.graph.initializer).toHaveLength(1);
  });

  it('rejects an unknown target provider with INVALID_OPTION', () => {
    const graph = multiboxLossProgram({ gradients: false }).graph;
    expect(() => toOnnxModel(graph, { provider: 'metal' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it('writes the ops the WebGPU provider lacks in other forms for provider webgpu only', () => {
    const graph = multiboxLossProgram({ gradients: true }).graph;
    const ops = (provider?: 'webgpu' | 'wasm') =>
      new Set(decode(toOnnxModel(graph, provider === undefined ? {} : { provider })).graph.node.map((n) => n.opType));
    for (const op of ['LogSoftmax', 'Or', 'NonZero']) {
      expect(ops()).toContain(op);
      expect(ops('wasm')).toContain(op);
      expect(ops('webgpu')).not.toContain(op);
    }
  });

  it('rejects an unsupported opset with INVALID_OPTION and declares a supported one', () => {
    const graph = multiboxLossProgram({ gradients: false }).graph;
    expect(() => toOnnxModel(graph, { opset: 13 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(decode(toOnnxModel(graph, { opset: 21 })).opsetImport[0]!.version).toBe(21);
  });
});

describe('lowering table', () => {
  it('has an entry for every IR op and nothing else', () => {
    expect(Object.keys(LOWERINGS).sort()).toEqual([...OP_NAMES].sort());
  });
});

describe('bindDims', () => {
  it('fixes C in shapes and attributes; the model then has C as a number', () => {
    const graph = bindDims(multiboxLossProgram().graph, { C: 21 });
    const m = decode(toOnnxModel(graph));
    expect(ioOf(m.graph.input[1]!).dims).toEqual(['B', 'P', 21]);
    expect(ioOf(m.graph.output.find((o) => o.name === 'grad_conf')!).dims).toEqual(['B', 'P', 21]);
    expect(JSON.stringify(graph)).not.toMatch(/"C"/);
  });

  it('rejects a non-integer size', () => {
    expect(() => bindDims(multiboxLossProgram().graph, { C: 2.5 })).toThrow(LossGraphError);
  });
});

describe('onnxOpsUsed', () => {
  it('lists every node kind of the emitted model with its input types', () => {
    const graph = multiboxLossProgram({ outputs: ['num_pos', 'conf_t_label', 'loc_t'] }).graph;
    const used = onnxOpsUsed(graph);
    const m = decode(toOnnxModel(graph));
    expect(new Set(used.map((u) => u.opType))).toEqual(new Set(m.graph.node.map((n) => n.opType)));
    expect(used.every((u) => u.domain === '' && u.opset === 18)).toBe(true);
    // TopK takes K as int64 and its indices come back int64 before the cast to the IR's int32
    expect(used).toContainEqual({
      opType: 'TopK',
      domain: '',
      opset: 18,
      inputTypes: ['float32', 'int64'],
      outputTypes: ['float32', 'int64'],
    });
  });
});
