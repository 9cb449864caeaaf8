import { describe, expect, it } from 'vitest';
import { compileReference, GraphBuilder, nonNegativePower, sigmoidPower } from '../src/index.js';

// the assigner's score^alpha · IoU^beta without a pow or sigmoid op, against Math.pow in float64
describe('yolov8 alignment powers', () => {
  const Z = [-120, -40, -3, -0.5, 0, 0.25, 2, 30, 90];
  const U = [0, 1e-30, 1e-6, 0.003, 0.25, 0.5, 0.999, 1];

  async function run(build: (x: ReturnType<GraphBuilder['input']>) => ReturnType<GraphBuilder['input']>, xs: number[]) {
    const b = new GraphBuilder();
    b.output('y', build(b.input('x', 'float32', [xs.length])));
    const out = await compileReference(b.build()).run({
      x: { dtype: 'float32', shape: [xs.length], data: Float64Array.from(xs) as unknown as Float32Array },
    });
    return Array.from(out.y!.data);
  }

  for (const alpha of [0.5, 1, 2.5]) {
    it(`sigmoidPower(z, ${alpha}) is sigmoid(z)^${alpha}, also where sigmoid underflows`, async () => {
      const got = await run((x) => sigmoidPower(x, alpha), Z);
      Z.forEach((z, i) => {
        // log-space for the reference, since 1 / (1 + e^120) is fine but its power is not in float64 either way
        const want = Math.exp(-alpha * Math.log1p(Math.exp(-z)));
        expect(got[i]! / want, `z = ${z}`).toBeCloseTo(1, 12);
      });
    });
  }

  for (const beta of [0, 1, 4, 6, 4.5, 0.3]) {
    it(`nonNegativePower(u, ${beta}) is u^${beta} with 0^beta = ${beta === 0 ? 1 : 0}`, async () => {
      const got = await run((x) => nonNegativePower(x, beta), U);
      U.forEach((u, i) => {
        const want = u ** beta;
        if (want === 0) expect(got[i], `u = ${u}`).toBe(0);
        else expect(got[i]! / want, `u = ${u}`).toBeCloseTo(1, 12);
      });
    });
  }
});
