import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exportInferenceModel } from '@lossgraph/onnx';
import { describe, expect, it } from 'vitest';
import { detect } from '../src/detections.js';
import { runInference, train } from '../src/train.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli.ts');
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
// docs/FIXTURES.md "Training steps": float32 tensors agree to 1e-4 of the tensor's largest magnitude
const TOL = 1e-4;

function maxError(got: Float32Array, want: ArrayLike<number>): number {
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  let worst = 0;
  for (const [i, x] of got.entries()) worst = Math.max(worst, Math.abs(x - (want[i] ?? Number.NaN)));
  return worst / scale;
}

describe('examples/ort-train on onnxruntime-node', () => {
  it('the loss falls over 20 Adam steps; the exported model on plain onnxruntime gives the trainer’s eval outputs', async () => {
    const { history, fineTuning, batches } = await train({ steps: 20 });
    try {
      const totals = history.map((s) => s.total);
      expect(totals).toHaveLength(20);
      expect(totals.every(Number.isFinite)).toBe(true);
      expect(mean(totals.slice(-4))).toBeLessThan(0.6 * mean(totals.slice(0, 4)));

      const [batch] = batches;
      if (batch === undefined) throw new Error('no batch');
      const want = await fineTuning.trainer.evalOutputs(batch.feeds);
      const got = await runInference(fineTuning.exportModel(), batch.feeds.images);
      for (const name of ['loc_data', 'conf_data'] as const) {
        const w = want[name];
        if (w === undefined) throw new Error(`no eval output ${name}`);
        expect(got[name]).toHaveLength(w.data.length);
        expect(maxError(got[name], w.data), name).toBeLessThan(TOL);
      }
      // the trained weights are in the file: the model exported with the initial weights answers otherwise
      const initial = exportInferenceModel(fineTuning.model, fineTuning.trainer.program.initialState());
      const before = await runInference(initial, batch.feeds.images);
      expect(maxError(before.conf_data, want.conf_data?.data ?? [])).toBeGreaterThan(100 * TOL);
    } finally {
      await fineTuning.trainer.dispose();
    }
  });

  it('detect: decodes an offset of zero to its default box, softmax scores, NMS within a class only', () => {
    // three priors on the same spot: class 1 (square) sure on priors 0 and 1, class 2 (circle) on prior 2
    const priors = [0.5, 0.5, 0.2, 0.2, 0.5, 0.5, 0.2, 0.2, 0.5, 0.5, 0.2, 0.2];
    const loc = new Array(12).fill(0);
    loc[4] = 1; // prior 1 shifted right by 1 · 0.1 · w = 0.02: IoU 0.82 with prior 0's box, suppressed
    loc[9] = -1; // prior 2 shifted up by 0.02: overlaps the square as much, but is another class, kept
    const conf = [0, 5, 0, 0, 0, 4, 0, 0, 0, 0, 6, 0];
    const got = detect(loc, conf, priors, { scoreThreshold: 0.5 });
    expect(got.map((d) => d.name)).toEqual(['circle', 'square']);
    const square = got.find((d) => d.name === 'square');
    expect(square?.box.map((x) => Number(x.toFixed(6)))).toEqual([0.4, 0.4, 0.6, 0.6]);
    expect(square?.score).toBeCloseTo(Math.exp(5) / (Math.exp(5) + 3), 6);
  });

  it('the CLI prints its progress line, writes the model and prints detections; a bad flag exits 2', async () => {
    const run = promisify(execFile);
    const out = join(mkdtempSync(join(tmpdir(), 'ort-train-')), 'trained.onnx');
    const args = ['--conditions=source', '--import', 'tsx', CLI];
    const { stdout, stderr } = await run(process.execPath, [...args, '--steps', '10', '--out', out]);
    expect(stderr).toMatch(/step 10\/10 loss \d+\.\d+ .* \d+\.\d steps\/s/);
    expect(stdout).toMatch(/loss \d+\.\d+ -> \d+\.\d+ in 10 steps/);
    expect(stdout).toContain(`wrote ${out}`);
    expect(readFileSync(out).length).toBeGreaterThan(100_000);
    expect(stdout).toMatch(/image 0:\n {2}truth /);
    await expect(run(process.execPath, [...args, '--steps', 'x'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--steps must be a positive integer'),
    });
  });
});
