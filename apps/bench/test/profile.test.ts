import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileJson } from '../src/profile/ort-profile.js';
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

  it('profiles the RetinaNet loss too, after an idle gap when asked, and records it in the JSON', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'lossgraph-profile-')), 'retinanet.json');
    const args = ['--loss', 'retinanet', '--batch', '1', '--classes', '5', '--image-size', '128'];
    const run = await runBench(['profile', ...args, '--runs', '2', '--threads', '1', '--gap', '5', '--json', json]);
    expect(run.code, run.stderr).toBe(0);
    const profile = JSON.parse(readFileSync(json, 'utf8')) as ProfileJson;
    expect(profile).toMatchObject({ loss: 'retinanet', batch: 1, classes: 5, gap_ms: 5, runs: 2 });
    expect(profile.title).toContain('RetinaNet');
    expect(profile.wall_runs_ms).toHaveLength(2);
    // the graph's signature kernels: the [B,A,C] focal side's Sigmoid and Log, the label gather and the closed-form
    // gradient's scatter
    expect(profile.ops.map((o) => o.opType)).toEqual(
      expect.arrayContaining(['Sigmoid', 'Log', 'GatherElements', 'ScatterElements']),
    );
  });

  it('rejects unknown priors and losses', async () => {
    const run = await runBench(['profile', '--priors', 'ssd1000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--priors must be one of ssd300, ssd512/);
    const loss = await runBench(['profile', '--loss', 'focal']);
    expect(loss.code).toBe(2);
    expect(loss.stderr).toMatch(/--loss must be one of multibox, retinanet/);
  });
});
