import { describe, expect, it } from 'vitest';
import { trainTinySsd } from '../examples/train-tiny-ssd.js';

describe('examples/train-tiny-ssd', () => {
  it('trains: the loss after 15 steps of optimizer.minimize over apply() is well below the first', async () => {
    const history = await trainTinySsd({ backend: 'cpu', steps: 15 });
    expect(history).toHaveLength(15);
    expect(history.every(Number.isFinite)).toBe(true);
    expect(history[14]!).toBeLessThan(0.8 * history[0]!);
  });
});
