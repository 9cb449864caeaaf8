import { GraphBuilder } from '@lossgraph/core';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

describe('atan lowering (a composition: the CUDA provider has no Atan kernel)', () => {
  it('stays within float32 rounding of Math.atan from 1e-6 to 1e6, both signs', async () => {
    const b = new GraphBuilder();
    b.output('y', b.input('x', 'float32', ['N']).atan());
    const xs: number[] = [0];
    for (let e = -6; e <= 6; e += 0.001) xs.push(10 ** e, -(10 ** e));
    const x = Float32Array.from(xs);
    const loss = await compile({ graph: b.build() });
    try {
      const y = (await loss.run({ x: { dtype: 'float32', shape: [x.length], data: x } })).y!.data;
      let worst = 0;
      for (let i = 0; i < x.length; i++)
        worst = Math.max(worst, Math.abs(y[i]! - Math.atan(x[i]!)) / Math.max(1e-30, Math.abs(Math.atan(x[i]!))));
      expect(worst).toBeLessThan(5e-7);
    } finally {
      await loss.dispose();
    }
  });
});
