import type { HostTensor } from '@lossgraph/core';
import { loadOptimReference } from '@lossgraph/core/testing';
import { describe, expect, it } from 'vitest';
import { exportInferenceModel } from '../src/index.js';
import { onnx } from '../src/proto.js';

const ref = await loadOptimReference();
const weights = (): Record<string, HostTensor> =>
  Object.fromEntries(
    [...ref.model.parameters, ...ref.model.state].map((t) => [
      t.name,
      { dtype: 'float32', shape: t.shape, data: t.data },
    ]),
  );

describe('exportInferenceModel', () => {
  it('declares the model inputs and outputs; parameters and running stats are initializers holding the weights', () => {
    const w = weights();
    w['loc.bias'] = { dtype: 'float32', shape: [64], data: Float64Array.from({ length: 64 }, (_, i) => i / 3) };
    const graph = onnx.ModelProto.decode(exportInferenceModel(ref.model, w)).graph ?? {};
    expect((graph.input ?? []).map((v) => v.name)).toEqual(['images']);
    expect((graph.output ?? []).map((v) => v.name).sort()).toEqual(['conf_data', 'loc_data']);
    const init = new Map((graph.initializer ?? []).map((t) => [t.name, t]));
    for (const t of [...ref.model.parameters, ...ref.model.state]) {
      const proto = init.get(t.name)!;
      expect((proto.dims ?? []).map(Number), t.name).toEqual([...t.shape]);
      expect(proto.dataType).toBe(1);
    }
    const raw = init.get('loc.bias')?.rawData ?? new Uint8Array();
    const values = new Float32Array(Uint8Array.from(raw).buffer);
    expect(Array.from(values)).toEqual(Array.from(Float32Array.from({ length: 64 }, (_, i) => i / 3)));
  });

  it('a weight missing, of the wrong shape or not finite is refused naming it', () => {
    const { 'conf.weight': _, ...missing } = weights();
    expect(() => exportInferenceModel(ref.model, missing)).toThrow(
      expect.objectContaining({ code: 'MISSING_INPUT', details: { tensor: 'conf.weight' } }),
    );
    const w = weights();
    expect(() =>
      exportInferenceModel(ref.model, { ...w, 'bn.bias': { dtype: 'float32', shape: [4], data: new Float32Array(4) } }),
    ).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', details: { tensor: 'bn.bias' } }));
    const nan = Float32Array.from(w['bn.running_var']!.data);
    nan[7] = Number.NaN;
    expect(() =>
      exportInferenceModel(ref.model, { ...w, 'bn.running_var': { dtype: 'float32', shape: [48], data: nan } }),
    ).toThrow(expect.objectContaining({ code: 'NON_FINITE', details: { tensor: 'bn.running_var', index: 7 } }));
  });
});
