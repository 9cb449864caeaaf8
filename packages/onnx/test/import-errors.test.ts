import { GraphBuilder, LossGraphError } from '@lossgraph/core';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { caught, loadCase } from './import-helpers.js';
import { craftModel, editModel } from './onnx-craft.js';

const convBn = loadCase('conv_bn');

describe('importOnnx refuses what it cannot import, naming the node', () => {
  it('a truncated file, cut anywhere, is INVALID_MODEL', () => {
    const n = convBn.bytes.length;
    for (const cut of [1, 7, Math.floor(n / 10), Math.floor(n / 3), Math.floor(n / 2), n - 100, n - 1]) {
      const e = caught(() => importOnnx(convBn.bytes.subarray(0, cut)));
      expect(e.code, `cut at ${cut} of ${n}`).toBe('INVALID_MODEL');
    }
  });

  it('a file with corrupted bytes imports or is refused with a LossGraphError, never another exception', () => {
    let state = 11;
    const random = (n: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    for (let run = 0; run < 300; run++) {
      const bytes = Uint8Array.from(convBn.bytes);
      const flips = 1 + random(4);
      for (let k = 0; k < flips; k++) bytes[random(bytes.length)] = random(256);
      try {
        importOnnx(bytes);
      } catch (e) {
        expect(LossGraphError.isInstance(e), `run ${run}: ${String(e)}`).toBe(true);
      }
    }
  });

  it('bytes that are not a model at all are INVALID_MODEL', () => {
    expect(caught(() => importOnnx(new Uint8Array(0))).code).toBe('INVALID_MODEL');
    expect(caught(() => importOnnx(new TextEncoder().encode('not an onnx file, just text'))).code).toBe(
      'INVALID_MODEL',
    );
  });

  it('an eval-mode export (BatchNorm fused into the Conv) says how to export for training', () => {
    const e = caught(() => importOnnx(loadCase('fused_eval').bytes));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain("node '/conv1/Conv' (Conv)");
    expect(e.message).toContain('onnx::Conv_');
    expect(e.message).toContain(
      'torch.onnx.export(model, x, f, opset_version=17, training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False)',
    );
  });

  it('an op without a conversion is UNSUPPORTED_OP naming the node and op: LSTM, a made-up op, another domain', () => {
    const lstm = caught(() => importOnnx(loadCase('lstm').bytes));
    expect(lstm.code).toBe('UNSUPPORTED_OP');
    expect(lstm.message).toMatch(/node '.*LSTM.*' \(LSTM\)/);
    expect(lstm.details.opType).toBe('LSTM');

    const madeUp = editModel(convBn.bytes, (m) => {
      const relu = m.graph?.node?.find((n) => n.opType === 'Relu');
      if (relu) relu.opType = 'MadeUpOp';
    });
    const e = caught(() => importOnnx(madeUp));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain("node '/Relu' (MadeUpOp)");

    const custom = editModel(convBn.bytes, (m) => {
      const relu = m.graph?.node?.find((n) => n.opType === 'Relu');
      if (relu) relu.domain = 'com.example';
    });
    expect(caught(() => importOnnx(custom)).message).toContain("domain 'com.example'");
  });

  it('an input shape that does not fit the model is INVALID_MODEL; an unknown input name INVALID_OPTION', () => {
    const wrong = caught(() => importOnnx(convBn.bytes, { inputShapes: { images: [2, 3, 10, 10] } }));
    expect(wrong.code).toBe('INVALID_MODEL');
    expect(wrong.message).toContain("'images'");
    expect(caught(() => importOnnx(convBn.bytes, { inputShapes: { images: [2, 3, 9] } })).code).toBe('INVALID_MODEL');
    const unknown = caught(() => importOnnx(convBn.bytes, { inputShapes: { image: [2, 3, 9, 9] } }));
    expect(unknown.code).toBe('INVALID_OPTION');
    expect(unknown.message).toContain("'image'");
  });

  it('a shape that breaks a node once the input shape is fixed names that node', () => {
    const bytes = craftModel({
      inputs: [{ name: 'x', dims: ['N', 4] }],
      outputs: ['y'],
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'], name: 'to_2x5' }],
      initializers: [{ name: 'shape', dims: [2], values: [2, 5], type: 'int64' }],
    });
    const e = caught(() => importOnnx(bytes, { inputShapes: { x: [3, 4] } }));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain("node 'to_2x5' (Reshape)");
  });

  it('an opset outside 13-18 is INVALID_MODEL', () => {
    const old = editModel(convBn.bytes, (m) => {
      for (const o of m.opsetImport) if (!o.domain) o.version = 11;
    });
    const e = caught(() => importOnnx(old));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain('opset 11');
  });

  it('a BatchNorm whose running stats are not initializers cannot train', () => {
    const bytes = craftModel({
      inputs: [
        { name: 'x', dims: [2, 3, 4] },
        { name: 'mean', dims: [3] },
      ],
      outputs: ['y'],
      nodes: [
        {
          op: 'BatchNormalization',
          name: 'bn',
          inputs: ['x', 'bn.weight', 'bn.bias', 'mean', 'bn.running_var'],
          outputs: ['y'],
          attrs: { training_mode: 1 },
        },
      ],
      initializers: [
        { name: 'bn.weight', dims: [3], values: [1, 1, 1] },
        { name: 'bn.bias', dims: [3], values: [0, 0, 0] },
        { name: 'bn.running_var', dims: [3], values: [1, 1, 1] },
      ],
    });
    const e = caught(() => importOnnx(bytes));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain("node 'bn' (BatchNormalization): input 3 ('mean')");
  });

  it('a Dropout that drops at random in training is UNSUPPORTED_OP; one in inference mode is an identity', () => {
    const dropout = (training: number) =>
      craftModel({
        inputs: [{ name: 'x', dims: [2, 3] }],
        outputs: ['y'],
        nodes: [{ op: 'Dropout', name: 'drop', inputs: ['x', 'ratio', 'training'], outputs: ['y'] }],
        initializers: [
          { name: 'ratio', dims: [], values: [0.5] },
          { name: 'training', dims: [], values: [training], type: 'int64' },
        ],
      });
    const e = caught(() => importOnnx(dropout(1)));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain("node 'drop' (Dropout)");
    expect(importOnnx(dropout(0)).outputs).toEqual([{ name: 'y', shape: [2, 3] }]);
  });

  it('a constant too large to compute while importing is INVALID_MODEL, not an allocation failure', () => {
    const bytes = craftModel({
      inputs: [{ name: 'x', dims: [2] }],
      outputs: ['y'],
      nodes: [
        { op: 'ConstantOfShape', name: 'huge', inputs: ['shape'], outputs: ['zeros'] },
        { op: 'Add', inputs: ['x', 'zeros'], outputs: ['y'] },
      ],
      initializers: [{ name: 'shape', dims: [3], values: [100000, 100000, 2], type: 'int64' }],
    });
    const e = caught(() => importOnnx(bytes));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain("node 'huge' (ConstantOfShape)");
  });

  it('a Resize other than nearest integer upsampling is UNSUPPORTED_OP', () => {
    const bytes = craftModel({
      inputs: [{ name: 'x', dims: [1, 1, 2, 2] }],
      outputs: ['y'],
      nodes: [{ op: 'Resize', name: 'up', inputs: ['x', '', 'scales'], outputs: ['y'], attrs: { mode: 'linear' } }],
      initializers: [{ name: 'scales', dims: [4], values: [1, 1, 2, 2] }],
    });
    const e = caught(() => importOnnx(bytes));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain("node 'up' (Resize)");
  });
});

describe('ModelGraph.emit checks its feeds against the imported model', () => {
  const model = importOnnx(convBn.bytes);
  const emitWith = (change: { image?: [string, 'float32' | 'int32', number[]]; dropParam?: string }) => {
    const b = new GraphBuilder();
    const [name, dtype, shape] = change.image ?? ['images', 'float32', [2, 3, 9, 9]];
    const params = Object.fromEntries(
      model.parameters
        .filter((p) => p.name !== change.dropParam)
        .map((p) => [p.name, b.input(p.name, 'float32', p.shape)]),
    );
    const state = Object.fromEntries(model.state.map((s) => [s.name, b.input(s.name, 'float32', s.shape)]));
    return caught(() =>
      model.emit(b, { inputs: { [name]: b.input(name, dtype, shape) }, parameters: params, state }, 'train'),
    );
  };

  it('a missing parameter is MISSING_INPUT, a wrong shape SHAPE_MISMATCH, a wrong dtype DTYPE_MISMATCH', () => {
    const missing = emitWith({ dropParam: 'bn2.bias' });
    expect([missing.code, missing.details.tensor]).toEqual(['MISSING_INPUT', 'bn2.bias']);
    const shape = emitWith({ image: ['images', 'float32', [2, 3, 8, 8]] });
    expect([shape.code, shape.details.tensor]).toEqual(['SHAPE_MISMATCH', 'images']);
    const dtype = emitWith({ image: ['images', 'int32', [2, 3, 9, 9]] });
    expect([dtype.code, dtype.details.tensor]).toEqual(['DTYPE_MISMATCH', 'images']);
  });
});
