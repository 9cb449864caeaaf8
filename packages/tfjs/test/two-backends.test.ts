import { multiboxLossProgram, packTargets, type Feeds, type Outputs } from '@lossgraph/core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import './backends.js';

/** A small MultiBoxLoss problem whose cpu and wasm results differ in their last bits (wasm's exp route). */
function problem(seed: number): Feeds {
  const B = 2, P = 64, C = 5;
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const dbox = Float32Array.from({ length: P * 4 }, (_, i) => (i % 4 < 2 ? r() : 0.1 + 0.3 * r()));
  const { targets, num_objs } = packTargets([[[0.1, 0.1, 0.5, 0.6, 1]], [[0.3, 0.2, 0.9, 0.7, 3], [0.05, 0.5, 0.4, 0.95, 0]]]);
  return {
    loc_data: { dtype: 'float32', shape: [B, P, 4], data: Float32Array.from({ length: B * P * 4 }, () => r() - 0.5) },
    conf_data: { dtype: 'float32', shape: [B, P, C], data: Float32Array.from({ length: B * P * C }, () => 4 * r() - 2) },
    dbox_list: { dtype: 'float32', shape: [P, 4], data: dbox },
    targets,
    num_objs,
  };
}

const bits = (o: Outputs) => Object.fromEntries(Object.entries(o).map(([k, t]) => [k, Array.from(t.data)]));

describe('two compiled losses on different tfjs backends in one process', () => {
  it('concurrent runs of a tfjs-cpu and a tfjs-wasm loss each compute on their own backend, bit for bit', async () => {
    const program = multiboxLossProgram({ hardNegativeTopK: null });
    const cpu = await compile(program, { backend: 'cpu' });
    const wasm = await compile(program, { backend: 'wasm' });
    try {
      const inputs = Array.from({ length: 6 }, (_, k) => problem(k + 1));
      const alone = { cpu: [] as Outputs[], wasm: [] as Outputs[] };
      for (const f of inputs) alone.cpu.push(await cpu.run(f));
      for (const f of inputs) alone.wasm.push(await wasm.run(f));
      // the two backends give different last bits, so a run on the wrong one shows
      expect(bits(alone.cpu[0]!)).not.toEqual(bits(alone.wasm[0]!));
      const together = await Promise.all(inputs.flatMap((f) => [cpu.run(f), wasm.run(f)]));
      inputs.forEach((_, k) => {
        expect(bits(together[2 * k]!), `cpu, input ${k}`).toEqual(bits(alone.cpu[k]!));
        expect(bits(together[2 * k + 1]!), `wasm, input ${k}`).toEqual(bits(alone.wasm[k]!));
      });
    } finally {
      await cpu.dispose();
      await wasm.dispose();
    }
  });
});
