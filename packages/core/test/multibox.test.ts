import { describe, expect, it } from 'vitest';
import {
  compileReference,
  interpret,
  LossGraphError,
  multiboxLoss,
  multiboxLossProgram,
  packTargets,
} from '../src/index.js';
import { randomProblem } from './helpers.js';

describe('MultiBoxLoss graph', () => {
  it('gradients agree with central finite differences of the whole loss (float64)', () => {
    const graph = multiboxLoss();
    const feeds = randomProblem(7);
    const out = interpret(graph, feeds);
    const lossAt = (name: 'loc_data' | 'conf_data', data: Float64Array) => {
      const r = interpret(graph, { ...feeds, [name]: { ...feeds[name]!, data } }, ['loss_l', 'loss_c']);
      return r.loss_l!.data[0]! + r.loss_c!.data[0]!;
    };
    expect(out.loss_l!.data[0]).toBeGreaterThan(0);
    for (const [input, grad] of [
      ['loc_data', 'grad_loc'],
      ['conf_data', 'grad_conf'],
    ] as const) {
      const x = Float64Array.from(feeds[input]!.data);
      const eps = 1e-6;
      let checked = 0;
      for (let i = 0; i < x.length; i++) {
        const p = x.slice();
        const m = x.slice();
        p[i]! += eps;
        m[i]! -= eps;
        const fd = (lossAt(input, p) - lossAt(input, m)) / (2 * eps);
        expect(Math.abs(out[grad]!.data[i]! - fd), `${grad}[${i}]`).toBeLessThan(1e-6);
        if (fd !== 0) checked++;
      }
      expect(checked).toBeGreaterThan(4);
    }
  });

  it('exposes the diagnostic outputs on request and only then', () => {
    expect(multiboxLoss({ gradients: false }).outputs.map((o) => o.name)).toEqual(['loss_l', 'loss_c']);
    expect(multiboxLoss({ outputs: ['num_pos', 'loc_t'] }).outputs.map((o) => o.name)).toEqual([
      'loss_l',
      'loss_c',
      'num_pos',
      'loc_t',
      'grad_loc',
      'grad_conf',
    ]);
  });

  it('keeps B, P, C, M symbolic: one graph serves every size', async () => {
    const c = compileReference(multiboxLossProgram());
    for (const [B, P, C, M] of [
      [1, 10, 3, 1],
      [3, 30, 6, 4],
    ] as const) {
      const out = await c.run(randomProblem(3, B, P, C, M));
      expect(out.grad_conf!.shape).toEqual([B, P, C]);
      expect(Number.isFinite(out.loss_c!.data[0]!)).toBe(true);
    }
  });

  it('no positives anywhere gives zero losses and gradients, not NaN', async () => {
    const feeds = randomProblem(5);
    const empty = { ...feeds, num_objs: { dtype: 'int32' as const, shape: [2], data: new Int32Array([0, 0]) } };
    const out = await compileReference(multiboxLossProgram()).run(empty);
    expect([out.loss_l!.data[0], out.loss_c!.data[0]]).toEqual([0, 0]);
    expect(Array.from(out.grad_conf!.data).every((v) => v === 0)).toBe(true);
  });

  it('rejects unknown and out-of-range options', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return LossGraphError.isInstance(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => multiboxLoss({ jacardThresh: 0.5 } as never))).toBe('INVALID_OPTION');
    expect(codeOf(() => multiboxLoss({ jaccardThresh: 1.5 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => multiboxLoss({ negPos: -1 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => multiboxLoss({ variances: [0.1, 0] }))).toBe('INVALID_OPTION');
    expect(codeOf(() => multiboxLoss({ outputs: ['grad_x' as never] }))).toBe('INVALID_OPTION');
  });
});

describe('packTargets', () => {
  it('pads ragged lists with zero rows', () => {
    const { targets, num_objs } = packTargets([[[0.1, 0.1, 0.2, 0.2, 3]], []], 2);
    expect(targets.shape).toEqual([2, 2, 5]);
    expect(Array.from(num_objs.data)).toEqual([1, 0]);
    expect(
      Array.from(targets.data)
        .slice(0, 5)
        .map((v) => Math.round(v * 10) / 10),
    ).toEqual([0.1, 0.1, 0.2, 0.2, 3]);
    expect(
      Array.from(targets.data)
        .slice(5)
        .every((v) => v === 0),
    ).toBe(true);
  });
});

describe('hard negative mining', () => {
  /** The original's selection in plain JS: stable descending sort of the mining loss, rank < negPos * num_pos. */
  function oracle(conf: Float32Array, labels: Int32Array, B: number, P: number, C: number, negPos: number) {
    const ce = new Float64Array(B * P);
    for (let i = 0; i < B * P; i++) {
      const row = Array.from(conf.subarray(i * C, (i + 1) * C));
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
      ce[i] = lse - row[labels[i]!]!;
    }
    const selected = new Uint8Array(B * P);
    let total = 0;
    let n = 0;
    for (let b = 0; b < B; b++) {
      const idx = [...Array(P).keys()].map((p) => b * P + p);
      const numPos = idx.filter((i) => labels[i]! > 0).length;
      n += numPos;
      const mining = (i: number) => (labels[i]! > 0 ? 0 : ce[i]!);
      const order = [...idx].sort((x, y) => mining(y) - mining(x) || x - y);
      order.forEach((i, rank) => {
        if (labels[i]! > 0 || rank < Math.min(negPos * numPos, P)) selected[i] = 1;
      });
    }
    for (let i = 0; i < B * P; i++) if (selected[i]) total += ce[i]!;
    return { lossC: total / Math.max(n, 1), selected };
  }

  for (const negPos of [3, 1.5, 100]) {
    it(`matches the stable-rank selection with many tied losses (negPos ${negPos})`, async () => {
      const feeds = randomProblem(11, 2, 40, 3, 3);
      // quantised logits: many boxes share exactly the same cross entropy, ties straddle the boundary
      const conf = Float32Array.from(feeds.conf_data!.data, (v) => Math.round(v));
      const program = multiboxLossProgram({ negPos, outputs: ['conf_t_label'] });
      const out = await compileReference(program).run({ ...feeds, conf_data: { ...feeds.conf_data!, data: conf } });
      const labels = Int32Array.from(out.conf_t_label!.data);
      const want = oracle(conf, labels, 2, 40, 3, negPos);
      expect(out.loss_c!.data[0]).toBeCloseTo(want.lossC, 12);
      for (let i = 0; i < 80; i++) {
        const row = Array.from(out.grad_conf!.data.subarray(i * 3, i * 3 + 3));
        expect(
          row.some((v) => v !== 0),
          `box ${i}`,
        ).toBe(want.selected[i] === 1);
      }
    });
  }
});
