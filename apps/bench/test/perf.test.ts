import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultBoxes,
  SSD300,
  syntheticMultiboxFeeds,
  syntheticYolov8Feeds,
  validateMultiboxInputs,
  validateYolov8Inputs,
  YOLOV8_PERF,
} from '@lossgraph/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { measurePeakMemory, procMemorySupported } from '../src/perf/memory.js';
import { type PerfConditionRow, type PerfJson, resultRow } from '../src/perf/perf-json.js';
import type { Cell } from '../src/perf/schedule.js';
import { probeTorch } from '../src/perf/servers.js';
import { leastSquares, median, percentile } from '../src/perf/stats.js';
import { type CliRun, runBench } from './support/bench-cli.js';

const REQUIRED_RESULT_KEYS = ['backend', 'batch', 'forward_ms', 'forward_backward_ms', 'first_run_ms', 'peak_rss_mb'];
const REQUIRED_REFERENCE_KEYS = ['impl', 'batch', 'forward_ms', 'forward_backward_ms'];

function expectSummary(s: unknown): void {
  expect(s).toEqual({ median: expect.any(Number), p95: expect.any(Number) });
  const { median: m, p95 } = s as { median: number; p95: number };
  expect(m).toBeGreaterThan(0);
  expect(p95).toBeGreaterThanOrEqual(m);
}

describe('bench perf (CLI, reference backend)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lossgraph-perf-'));
  const out = join(dir, 'out.json');
  const torch = probeTorch();
  let run: CliRun;
  let perf: PerfJson;

  beforeAll(async () => {
    run = await runBench([
      'perf',
      '--backends',
      'reference',
      '--batch',
      '1,2',
      '--repeats',
      '2',
      '--min-time',
      '0',
      '--warmup',
      '0',
      '--gap',
      '5',
      '--json',
      out,
    ]);
    perf = JSON.parse(readFileSync(out, 'utf8')) as PerfJson;
  });

  it('exits 0, prints a table on stdout and progress on stderr', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^reference\s+1\s/m);
    expect(run.stdout).toMatch(/^reference\s+2\s/m);
    expect(run.stderr).toContain('perf: batch 1');
  });

  it('writes the perf JSON: a results row per batch size with the required fields', () => {
    expect(perf.results.map((r) => [r.backend, r.batch])).toEqual([
      ['reference', 1],
      ['reference', 2],
    ]);
    for (const r of perf.results) {
      expect(Object.keys(r).slice(0, REQUIRED_RESULT_KEYS.length)).toEqual(REQUIRED_RESULT_KEYS);
      expectSummary(r.forward_ms);
      expectSummary(r.forward_backward_ms);
      expect(r.first_run_ms).toBeGreaterThan(0);
      if (procMemorySupported()) expect(r.peak_rss_mb).toBeGreaterThan(10);
      expect(r.repeats.forward).toBeGreaterThanOrEqual(2);
      expect(r.repeats.forward_backward).toBeGreaterThanOrEqual(2);
    }
    expect(perf.backends).toEqual([expect.objectContaining({ name: 'reference', available: true, reason: null })]);
    expect(perf.errors).toEqual([]);
    expect(perf.config).toMatchObject({
      priors: 'ssd300',
      num_priors: defaultBoxes(SSD300).length / 4,
      classes: 21,
      batches: [1, 2],
    });
  });

  it('times the PyTorch original in the same run when torch is there, and reports speed-ups as ratios of medians', () => {
    if (!torch.available) {
      console.log(`skipped PyTorch part: ${torch.reason}`);
      expect(perf.reference).toEqual([]);
      expect(perf.results.every((r) => r.speedup_vs_pytorch === null)).toBe(true);
      return;
    }
    expect(perf.pytorch).toMatchObject({ available: true, version: torch.version });
    expect(perf.reference.map((r) => [r.impl, r.batch])).toEqual([
      ['pytorch', 1],
      ['pytorch', 2],
    ]);
    for (const ref of perf.reference) {
      expect(Object.keys(ref).slice(0, REQUIRED_REFERENCE_KEYS.length)).toEqual(REQUIRED_REFERENCE_KEYS);
      expectSummary(ref.forward_ms);
      expectSummary(ref.forward_backward_ms);
      const row = perf.results.find((r) => r.batch === ref.batch)!;
      expect(row.speedup_vs_pytorch!.forward).toBeCloseTo(ref.forward_ms.median / row.forward_ms.median, 10);
      expect(row.speedup_vs_pytorch!.forward_backward).toBeCloseTo(
        ref.forward_backward_ms.median / row.forward_backward_ms.median,
        10,
      );
    }
  });

  it('times every condition by default: back to back and after an idle gap, validation off and on', () => {
    const key = (r: PerfConditionRow) =>
      `${r.impl} ${r.batch} ${r.gap ? `${r.gap.kind} ${r.gap.ms}` : '-'} ${r.validate}`;
    const expected = [1, 2].flatMap((batch) =>
      ['-', 'idle 5'].flatMap((gap) => [
        ...(torch.available ? [`pytorch ${batch} ${gap} null`] : []),
        `reference ${batch} ${gap} false`,
        `reference ${batch} ${gap} true`,
      ]),
    );
    expect((perf.conditions ?? []).map(key).sort()).toEqual(expected.sort());
    expect(perf.config.primary).toEqual({ gap: null, validate: false });
    for (const r of perf.conditions ?? []) {
      const t = r.forward_backward_ms;
      expect(t.min).toBeLessThanOrEqual(t.p5);
      expect(t.p5).toBeLessThanOrEqual(t.median);
      expect(t.p95).toBeLessThanOrEqual(t.max);
      if (r.impl === 'reference') expect(r.minor_faults_per_run?.forward_backward).toBeGreaterThanOrEqual(0);
    }
    // results[] is the back-to-back, validation-off condition
    for (const row of perf.results) {
      const same = perf.conditions?.find(
        (c) => c.impl === row.backend && c.batch === row.batch && !c.gap && c.validate === false,
      );
      expect(same?.forward_backward_ms.median).toBe(row.forward_backward_ms.median);
    }
    expect(run.stdout).toContain('timing conditions');
    expect(run.stdout).toMatch(/^reference\s+1\s+idle 5 ms before each call, validate on\s/m);
  });

  it('reports the cost per image as the least-squares slope of the medians', () => {
    const slope = perf.slopes.find((s) => s.name === 'reference')!;
    const [a, b] = perf.results;
    // two batch sizes: the least-squares line passes through both points
    expect(slope.forward_backward!.ms_per_image).toBeCloseTo(
      (b!.forward_backward_ms.median - a!.forward_backward_ms.median) / (b!.batch - a!.batch),
      8,
    );
    expect(slope.forward!.ms_per_image).toBeCloseTo(
      (b!.forward_ms.median - a!.forward_ms.median) / (b!.batch - a!.batch),
      8,
    );
  });

  it('cuts slow cells short at --max-time and skips batch sizes expected to exceed it', async () => {
    const json = join(dir, 'budget.json');
    const slow = await runBench([
      'perf',
      '--backends',
      'reference',
      '--batch',
      '1,64',
      '--repeats',
      '50',
      '--max-time',
      '0.001',
      '--warmup',
      '5',
      '--pytorch',
      'off',
      '--timing',
      'back-to-back',
      '--validate',
      'off',
      '--json',
      json,
    ]);
    expect(slow.code, slow.stderr).toBe(0);
    const budget = JSON.parse(readFileSync(json, 'utf8')) as PerfJson;
    expect(budget.results.map((r) => r.batch)).toEqual([1]);
    const row = budget.results[0]!;
    // any call takes over 1 ms at SSD300: one timed run per mode, no warm-up
    expect(row.repeats).toEqual({ forward: 1, forward_backward: 1 });
    expect(budget.skipped).toEqual([
      { name: 'reference', batch: 64, reason: expect.stringContaining('over --max-time 0.001 s') },
    ]);
    expect(budget.reference).toEqual([]);
    expect(budget.pytorch).toEqual({ available: false, reason: 'disabled with --pytorch off' });
  });

  it('rejects bad options with exit code 2 and a message', async () => {
    const bad = await runBench(['perf', '--priors', 'ssd999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--priors must be one of ssd300, ssd512');
    const unknown = await runBench(['perf', '--backends', 'no-such-backend']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown backend 'no-such-backend'");
    for (const [args, message] of [
      [['--timing', 'sometimes'], '--timing must be one of back-to-back, loop, both'],
      [['--gap', '0'], '--gap must be a number of milliseconds > 0'],
      [['--gap-kind', 'asleep'], '--gap-kind must be one of idle, busy'],
      [['--validate', 'yes'], '--validate must be one of on, off, both'],
    ] as const) {
      const rejected = await runBench(['perf', ...args]);
      expect(rejected.code).toBe(2);
      expect(rejected.stderr).toContain(message);
    }
  });
});

describe('bench perf --loss retinanet (CLI, reference backend)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lossgraph-perf-retinanet-'));
  const out = join(dir, 'out.json');
  // a 128² image: 9 anchors at each of 16² + 8² + 4² + 2² + 1² locations
  const ANCHORS = 9 * (16 ** 2 + 8 ** 2 + 4 ** 2 + 2 ** 2 + 1);
  const torch = probeTorch(undefined, 'retinanet');
  let run: CliRun;
  let perf: PerfJson;

  beforeAll(async () => {
    run = await runBench([
      'perf',
      '--loss',
      'retinanet',
      '--backends',
      'reference',
      '--batch',
      '1',
      '--classes',
      '5',
      '--image-size',
      '128',
      '--repeats',
      '2',
      '--min-time',
      '0',
      '--warmup',
      '0',
      '--timing',
      'back-to-back',
      '--validate',
      'off',
      '--json',
      out,
    ]);
    perf = JSON.parse(readFileSync(out, 'utf8')) as PerfJson;
  });

  it('times the RetinaNet program and records the problem in the config', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`RetinaNet loss (l1 box loss), 128² image (${ANCHORS} anchors), 5 classes`);
    expect(run.stdout).toMatch(/^reference\s+1\s/m);
    expect(perf.config).toMatchObject({
      loss: 'retinanet',
      image_size: 128,
      box_loss: 'l1',
      classes: 5,
      num_priors: ANCHORS,
      batches: [1],
    });
    expect(perf.config.priors).toBeUndefined();
    expect(perf.results.map((r) => [r.backend, r.batch])).toEqual([['reference', 1]]);
    expectSummary(perf.results[0]!.forward_backward_ms);
    expect(perf.errors).toEqual([]);
  });

  it("times torchvision's own RetinaNet loss beside it when torchvision is there", () => {
    if (!torch.available) {
      console.log(`skipped torchvision part: ${torch.reason}`);
      expect(perf.reference).toEqual([]);
      return;
    }
    expect(perf.config.original).toBe("torchvision's RetinaNet.compute_loss");
    expect(perf.reference.map((r) => r.batch)).toEqual([1]);
    expectSummary(perf.reference[0]!.forward_backward_ms);
    const row = perf.results[0]!;
    expect(row.speedup_vs_pytorch!.forward_backward).toBeCloseTo(
      perf.reference[0]!.forward_backward_ms.median / row.forward_backward_ms.median,
      10,
    );
  });

  it("rejects another loss's flags and bad RetinaNet shapes with exit code 2", async () => {
    const cases: [string[], string][] = [
      [['--loss', 'retinanet', '--priors', 'ssd300'], '--priors applies to --loss multibox only'],
      [['--image-size', '512'], '--image-size applies to --loss retinanet, yolov8 only'],
      [['--loss', 'retinanet', '--image-size', '200'], '--image-size must be a multiple of 128'],
      [['--loss', 'retinanet', '--box-loss', 'l2'], '--box-loss must be one of l1, smooth_l1, giou, diou, ciou'],
      [['--loss', 'focal'], '--loss must be one of multibox, retinanet, yolov8'],
    ];
    for (const [args, message] of cases) {
      const bad = await runBench(['perf', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toContain(message);
    }
  });
});

describe('bench perf --loss yolov8 (a registry loss; CLI, reference backend)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lossgraph-perf-yolov8-'));
  const out = join(dir, 'out.json');
  // a 128² image on strides 8, 16, 32: 16² + 8² + 4² anchors
  const ANCHORS = 16 ** 2 + 8 ** 2 + 4 ** 2;

  const torch = probeTorch(undefined, 'yolov8');

  it('times the YOLOv8 program beside its float32 torch run (when torch is there) and records the problem', async () => {
    const args = ['--backends', 'reference', '--batch', '1', '--classes', '5', '--image-size', '128'];
    const timing = ['--repeats', '2', '--min-time', '0', '--warmup', '0', '--timing', 'loop', '--validate', 'on'];
    timing.push('--json', out);
    const run = await runBench(['perf', '--loss', 'yolov8', ...args, ...timing]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`YOLOv8 loss (reg_max 16), 128² image (${ANCHORS} anchors), 5 classes`);
    const perf = JSON.parse(readFileSync(out, 'utf8')) as PerfJson;
    expect(perf.config).toMatchObject({ loss: 'yolov8', image_size: 128, classes: 5, num_priors: ANCHORS });
    expect(perf.results.map((r) => [r.backend, r.batch])).toEqual([['reference', 1]]);
    // only the training-loop timing with validation on was asked for: results[] holds it
    expect(perf.config.primary).toEqual({ gap: { kind: 'idle', ms: 20 }, validate: true });
    expect(perf.errors).toEqual([]);
    if (!torch.available) {
      console.log(`skipped torch part: ${torch.reason}`);
      expect(perf.reference).toEqual([]);
      return;
    }
    expect(perf.config.original).toBe(YOLOV8_PERF.original?.what);
    expect(perf.reference.map((r) => r.batch)).toEqual([1]);
    expectSummary(perf.reference[0]!.forward_backward_ms);
    expect(perf.reference[0]!.peak_rss_mb).toBeGreaterThan(0);
  });

  it("defaults to Ultralytics' training shape: 640² (A = 8400), 80 classes, batch 16; inputs the loss validates", () => {
    expect(YOLOV8_PERF.defaults).toEqual({ batches: [16], problem: { loss: 'yolov8', classes: 80, image_size: 640 } });
    const feeds = syntheticYolov8Feeds({ batch: 2, classes: 80, imageSize: 640 });
    expect(feeds.pred_distri?.shape).toEqual([2, 8400, 64]);
    expect(feeds.pred_scores?.shape).toEqual([2, 8400, 80]);
    expect(() => validateYolov8Inputs(feeds)).not.toThrow();
  });
});

describe('synthetic inputs', () => {
  const shape = { batch: 8, classes: 21, priors: 'ssd300' } as const;
  const feeds = syntheticMultiboxFeeds(shape);

  it('have the SSD300 shapes, 2-4 valid objects per image, and pass the loss input validation', () => {
    const P = defaultBoxes(SSD300).length / 4;
    expect(feeds.loc_data!.shape).toEqual([8, P, 4]);
    expect(feeds.conf_data!.shape).toEqual([8, P, 21]);
    expect(feeds.dbox_list!.data).toEqual(defaultBoxes(SSD300));
    const counts = [...(feeds.num_objs!.data as Int32Array)];
    expect(counts.every((n) => n >= 2 && n <= 4)).toBe(true);
    const t = feeds.targets!.data;
    const M = feeds.targets!.shape[1]!;
    counts.forEach((n, b) => {
      for (let r = 0; r < n; r++) {
        const [x0, y0, x1, y1, label] = Array.from(t.subarray((b * M + r) * 5, (b * M + r) * 5 + 5));
        expect(x0! >= 0 && y0! >= 0 && x1! <= 1 && y1! <= 1 && x1! > x0! && y1! > y0!).toBe(true);
        expect(Number.isInteger(label) && label! >= 0 && label! <= 19).toBe(true);
      }
    });
    expect(() => validateMultiboxInputs(feeds)).not.toThrow();
  });

  it('draw loc ~ N(0, 1) and logits ~ N(0, 2²), the same inputs for the same shape', () => {
    const moments = (x: ArrayLike<number>) => {
      let s = 0;
      let q = 0;
      for (const v of Array.from(x)) {
        s += v;
        q += v ** 2;
      }
      return { mean: s / x.length, sd: Math.sqrt(q / x.length - (s / x.length) ** 2) };
    };
    const loc = moments(feeds.loc_data!.data);
    const conf = moments(feeds.conf_data!.data);
    expect(Math.abs(loc.mean)).toBeLessThan(0.01);
    expect(Math.abs(loc.sd - 1)).toBeLessThan(0.01);
    expect(Math.abs(conf.mean)).toBeLessThan(0.02);
    expect(Math.abs(conf.sd - 2)).toBeLessThan(0.02);
    const again = syntheticMultiboxFeeds(shape).conf_data!.data as Float32Array;
    expect(Buffer.compare(Buffer.from(again.buffer), Buffer.from((feeds.conf_data!.data as Float32Array).buffer))).toBe(
      0,
    );
  });
});

describe('browser rows', () => {
  it('report the page transfers apart from the in-page run times, as medians per mode', () => {
    const cell: Cell = {
      name: 'browser-x',
      batch: 8,
      validate: false,
      gap: null,
      faultsPerRun: { forward: [], forward_backward: [] },
      times: { forward: [10, 12], forward_backward: [20, 22] },
      firstRunMs: { forward: 30, forward_backward: 40 },
      spentMs: { forward: 50, forward_backward: 60 },
      peakRssMb: 900,
      transferMs: {
        forward: [
          { in: 5, out: 1 },
          { in: 7, out: 3 },
          { in: 6, out: 2 },
        ],
        forward_backward: [{ in: 8, out: 9 }],
      },
    };
    const row = resultRow(cell, 'wasm', undefined);
    expect(row.transfer_ms).toEqual({ forward: { in: 6, out: 2 }, forward_backward: { in: 8, out: 9 } });
    expect(row.forward_backward_ms.median).toBe(21);
    expect(
      resultRow({ ...cell, transferMs: { forward: [], forward_backward: [] } }, 'cpu', undefined).transfer_ms,
    ).toBeNull();
  });
});

describe('timing statistics', () => {
  it('percentiles interpolate between order statistics, whatever the input order', () => {
    const xs = [5, 1, 4, 2, 3];
    expect(median(xs)).toBe(3);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile(xs, 100)).toBe(5);
    expect(percentile([1, 2], 95)).toBeCloseTo(1 + 0.95, 12);
  });

  it('least squares recovers an exact line and has no slope for a single batch size', () => {
    const line = leastSquares([1, 8, 32].map((x) => [x, 3 * x + 2] as const))!;
    expect(line.slope).toBeCloseTo(3, 12);
    expect(line.intercept).toBeCloseTo(2, 12);
    expect(line.r2).toBeCloseTo(1, 12);
    expect(
      leastSquares([
        [8, 1],
        [8, 2],
      ]),
    ).toBeNull();
  });
});

describe('peak memory of a child process', () => {
  it.runIf(procMemorySupported())('sees an allocation made between samples, and forgets it after a reset', async () => {
    const MiB = 200;
    // on 'go': allocates and touches MiB, frees it and says 'done'; on the next line: exits
    const script =
      `process.stdout.write('ready\\n'); let step = 0; process.stdin.on('data', () => { if (step++) process.exit(0);` +
      ` let b = Buffer.alloc(${MiB} * 2 ** 20, 1); b = null; gc(); process.stdout.write('done\\n'); });`;
    const child = spawn(process.execPath, ['--expose-gc', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const line = () => new Promise((r) => child.stdout.once('data', r));
    await line(); // ready
    const span = measurePeakMemory(child.pid!)!;
    child.stdin.write('go\n');
    await line(); // done
    const peak = span.stop();
    const idle = measurePeakMemory(child.pid!)!.stop();
    child.stdin.write('exit\n');
    expect(peak).toBeGreaterThan(MiB);
    expect(idle).toBeLessThan(peak - MiB / 2);
  });
  if (!procMemorySupported()) console.log('skipped peak-memory test: no Linux /proc here');
});
