import { describe, expect, it } from 'vitest';
import { runBench } from './support/bench-cli.js';

describe('bench profile', () => {
  it('breaks onnxruntime-node-cpu time down by op type from onnxruntime profiler', async () => {
    const run = await runBench(['profile', '--batch', '1', '--runs', '2', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.split('\n').filter((l) => /^[A-Za-z]+\s+\d+\s+[\d.]+\s+[\d.]+%$/.test(l));
    const types = rows.map((l) => l.split(/\s+/)[0]);
    // the graph's signature kernels: mining's TopK, the cross entropy, matching's argmax, and the gradient
    // of the cross entropy on the selected rows only (NonZero -> GatherND)
    expect(types).toEqual(expect.arrayContaining(['TopK', 'LogSoftmax', 'ArgMax', 'NonZero', 'GatherND']));
    const share = rows.reduce((a, l) => a + Number(l.split(/\s+/)[3]!.replace('%', '')), 0);
    expect(share).toBeGreaterThan(99);
    expect(share).toBeLessThan(101);
  });

  it('rejects unknown priors', async () => {
    const run = await runBench(['profile', '--priors', 'ssd1000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--priors must be ssd300 or ssd512/);
  });
});
