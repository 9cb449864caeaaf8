import { appendGradients, type Feeds, GraphBuilder, type LossProgram, type Outputs } from '@lossgraph/core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import './backends.js';

/**
 * A small program whose cpu and wasm results differ in their last bits: wasm's exp (sigmoid-based, on
 * non-positive inputs) and its summation order are not tfjs-cpu's, so a run on the wrong backend shows.
 */
function program(): LossProgram {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N', 'C']);
  const p = x.logSoftmax(1).exp(); // softmax rows
  b.output('y', p.mul(x).sum());
  return { graph: appendGradients(b.build(), { of: ['y'], wrt: { x: 'grad_x' } }) };
}

function problem(seed: number): Feeds {
  const N = 256,
    C = 21;
  let s = seed;
  const r = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  return { x: { dtype: 'float32', shape: [N, C], data: Float32Array.from({ length: N * C }, () => 8 * r() - 4) } };
}

const bits = (o: Outputs) => Object.fromEntries(Object.entries(o).map(([k, t]) => [k, Array.from(t.data)]));

describe('two compiled losses on different tfjs backends in one process', () => {
  it('concurrent runs of a tfjs-cpu and a tfjs-wasm loss each compute on their own backend, bit for bit', async () => {
    const cpu = await compile(program(), { backend: 'cpu' });
    const wasm = await compile(program(), { backend: 'wasm' });
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
