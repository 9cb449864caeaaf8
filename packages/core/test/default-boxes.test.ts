import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultBoxes, parseSafetensors, SSD300, SSD512 } from '../src/index.js';

const dataDir = new URL('./data/', import.meta.url);

describe('default boxes equal the seed DBox generator (values written by tools/reference)', () => {
  for (const [name, cfg, count] of [
    ['ssd300', SSD300, 8732],
    ['ssd512', SSD512, 24564],
  ] as const) {
    it(name, () => {
      const want = parseSafetensors(readFileSync(new URL(`dbox_${name}.safetensors`, dataDir)), name).tensors.get(
        'dbox',
      )!;
      expect(want.shape).toEqual([count, 4]);
      const got = defaultBoxes(cfg);
      expect(got.length).toBe(count * 4);
      let mismatches = 0;
      for (let i = 0; i < got.length; i++) if (got[i] !== want.data[i]) mismatches++;
      expect(mismatches).toBe(0);
    });
  }
  it('clip can be turned off', () => {
    const boxes = defaultBoxes({ ...SSD300, clip: false });
    expect(Math.max(...boxes)).toBeGreaterThan(1);
  });
});
