import { describe, expect, it } from 'vitest';
import { machineInfo } from '../src/perf/machine.js';
import { type TrainPerfJson, trainJsonProblem, trainRows } from '../src/perf/train/perf-train-json.js';
import type { TrainCell } from '../src/perf/train/schedule.js';
import { toMarkdown } from '../src/report/document.js';
import { trainBlocks } from '../src/report/train-section.js';
import { runBench } from './support/bench-cli.js';

const cell = (name: string, times: number[], extra: Partial<TrainCell> = {}): TrainCell => ({
  name,
  model: 'ssdlite320',
  batch: 8,
  times,
  firstRunMs: 900,
  spentMs: 1000,
  peakRssMb: 300,
  ...extra,
});

const transfer = { in_bytes: 3 * 2 ** 20, out_bytes: 2 ** 20, state: 'ort tensor in host memory (cpu)' };
const setups = new Map([
  [
    'onnxruntime-node-cpu/ssdlite320/8',
    { device: 'cpu', transfer, firstLosses: { loss_l: { got: 3.25, pytorch: 3.25 } } },
  ],
]);

function perfJson(cells: TrainCell[]): TrainPerfJson {
  return {
    train: trainRows(cells, setups),
    models: [
      { name: 'ssdlite320', title: 'SSDlite-like', batch: 8, source: 'exported', parameters: 1234, reason: null },
      { name: 'fixture_ssdlite', title: 'fixture', batch: 8, source: null, parameters: null, reason: 'needs PyTorch' },
    ],
    backends: [{ name: 'tfjs-wasm', available: false, reason: 'no wasm here' }],
    pytorch: { available: true, reason: null, version: '1.13', threads: 2 },
    errors: [{ name: 'tfjs-cpu', model: 'ssdlite320', batch: 8, error: 'out of memory' }],
    config: {
      date: '2026-12-06T00:00:00Z',
      what: 'one training step',
      batch: 8,
      min_repeats: 5,
      min_time_s: 2,
      max_time_s: 60,
      warmup: 1,
      command: 'pnpm bench perf --train',
      timing: 't',
      memory: 'm',
      transfer: 'x',
    },
    machine: machineInfo(),
  };
}

describe('bench perf --train JSON', () => {
  const cells = [
    cell('pytorch', [100, 120, 110]),
    cell('onnxruntime-node-cpu', [50, 55, 60]),
    cell('tfjs-cpu', [], { error: 'out of memory' }),
  ];

  it('has one row per complete implementation: the median step, speed-up over PyTorch, transfers of backends only', () => {
    const rows = trainRows(cells, setups);
    expect(rows.map((r) => r.impl)).toEqual(['pytorch', 'onnxruntime-node-cpu']);
    const [torch, ort] = rows;
    expect(torch?.step_ms.median).toBe(110);
    expect(torch?.transfer_bytes).toBeNull();
    expect(torch?.speedup_vs_pytorch).toBe(1);
    expect(ort?.step_ms.median).toBe(55);
    expect(ort?.speedup_vs_pytorch).toBe(2); // 110 / 55
    expect(ort?.transfer_bytes).toEqual(transfer);
    expect(ort?.device).toBe('cpu');
    expect(ort?.repeats).toBe(3);
    expect(ort?.first_losses).toEqual({ loss_l: { got: 3.25, pytorch: 3.25 } });
  });

  it('has no speed-up without a PyTorch row', () => {
    expect(trainRows(cells.slice(1), setups)[0]?.speedup_vs_pytorch).toBeNull();
  });

  it('is recognised by the report reader, which rejects rows without a step time', () => {
    expect(trainJsonProblem(JSON.parse(JSON.stringify(perfJson(cells))))).toBeNull();
    expect(trainJsonProblem({ results: [] })).toBe('expected {"train": [...]}');
    expect(trainJsonProblem({ train: [{ model: 'm', impl: 'x', batch: 8, step_ms: {} }] })).toBe(
      'train[0] lacks model, impl, batch or step_ms.median',
    );
  });
});

describe('report: training step section', () => {
  it('is absent without train rows', () => {
    expect(trainBlocks(perfJson([]))).toEqual([]);
  });

  it('shows each implementation with its median, memory, bytes per step and speed-up, and what was not timed', () => {
    const md = toMarkdown(trainBlocks(perfJson([cell('pytorch', [110]), cell('onnxruntime-node-cpu', [55])])));
    expect(md).toContain('## Training step');
    expect(md).toMatch(/\| ssdlite320 \| 8 \| pytorch \| 110 \|.*\| - \| 1\.00× \|/);
    expect(md).toMatch(
      /\| ssdlite320 \| 8 \| onnxruntime-node-cpu \| 55\.0 \|.*\| 3\.00 MiB \/ 1\.00 MiB \(ort tensor in host memory \(cpu\)\) \| 2\.00× \|/,
    );
    expect(md).toContain('fixture_ssdlite: fixture; not timed: needs PyTorch');
    expect(md).toContain('ssdlite320: SSDlite-like; batch 8, 1234 parameters; exported');
    expect(md).toContain('tfjs-cpu on ssdlite320 batch 8: out of memory');
    expect(md).toContain('tfjs-wasm: no wasm here');
  });
});

describe('bench perf --train arguments', () => {
  it('rejects an unknown model before starting anything', async () => {
    const run = await runBench(['perf', '--train', '--models', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown model 'nope' (known: fixture_ssdlite, ssdlite320)");
  });
});
