/**
 * The JSON that `bench perf --train --json` writes:
 *
 *   train[]:    model, batch, impl (a backend name or "pytorch"), step_ms{median,p95}, first_step_ms, repeats,
 *               peak_rss_mb, transfer_bytes{in,out,state} (per step as the Trainer counts them; null for PyTorch),
 *               speedup_vs_pytorch (PyTorch median / this median, same run; null without PyTorch), + device,
 *               first_losses (the backend's step-0 loss terms beside PyTorch's float32 step 0)
 *   models[], backends[], pytorch, errors[], config, machine
 */
import type { MachineInfo } from '../machine.js';
import type { BackendStatus } from '../perf-json.js';
import { median, summarize, type TimeSummary } from '../stats.js';
import type { StepTransfer } from './protocol.js';
import type { TrainCell } from './schedule.js';

export interface TrainRow {
  readonly model: string;
  readonly batch: number;
  readonly impl: string;
  readonly step_ms: TimeSummary;
  readonly first_step_ms: number | null;
  readonly repeats: number;
  readonly peak_rss_mb: number | null;
  readonly transfer_bytes: StepTransfer | null;
  readonly speedup_vs_pytorch: number | null;
  readonly device: string;
  readonly first_losses?: Record<string, { readonly got: number; readonly pytorch: number }>;
}

export interface TrainModelInfo {
  readonly name: string;
  readonly title: string;
  readonly batch: number;
  /** how the problem file came to be (exported at bench time, or the committed fixture) */
  readonly source: string | null;
  readonly parameters: number | null;
  /** why the model was not timed */
  readonly reason: string | null;
}

export interface TrainPerfJson {
  readonly train: TrainRow[];
  readonly models: TrainModelInfo[];
  readonly backends: BackendStatus[];
  readonly pytorch: {
    readonly available: boolean;
    readonly reason: string | null;
    readonly version?: string;
    readonly threads?: number;
  };
  readonly errors: { readonly name: string; readonly model: string; readonly batch: number; readonly error: string }[];
  readonly config: {
    readonly date: string;
    readonly what: string;
    readonly batch: number;
    readonly min_repeats: number;
    readonly min_time_s: number;
    readonly max_time_s: number;
    readonly warmup: number;
    readonly command: string;
    readonly timing: string;
    readonly memory: string;
    readonly transfer: string;
  };
  readonly machine: MachineInfo;
}

/** What a backend's worker reported at setup, for its rows. */
export interface TrainSetupInfo {
  readonly device: string;
  readonly transfer: StepTransfer;
  readonly firstLosses: Record<string, { readonly got: number; readonly pytorch: number }>;
}

/** Rows of the complete cells (at least one timed step, no error); PyTorch's row is the reference of the others. */
export function trainRows(cells: readonly TrainCell[], setups: ReadonlyMap<string, TrainSetupInfo>): TrainRow[] {
  const rows: TrainRow[] = [];
  for (const cell of cells) {
    if (cell.error || cell.times.length === 0) continue;
    const pytorch = cells.find(
      (c) => c.name === 'pytorch' && c.model === cell.model && c.batch === cell.batch && !c.error && c.times.length,
    );
    const setup = setups.get(`${cell.name}/${cell.model}/${cell.batch}`);
    const isPytorch = cell.name === 'pytorch';
    rows.push({
      model: cell.model,
      batch: cell.batch,
      impl: cell.name,
      step_ms: summarize(cell.times),
      first_step_ms: cell.firstRunMs,
      repeats: cell.times.length,
      peak_rss_mb: cell.peakRssMb,
      transfer_bytes: isPytorch ? null : (setup?.transfer ?? null),
      speedup_vs_pytorch: pytorch ? median(pytorch.times) / median(cell.times) : null,
      device: isPytorch ? 'cpu (PyTorch)' : (setup?.device ?? 'unknown'),
      ...(setup ? { first_losses: setup.firstLosses } : {}),
    });
  }
  return rows;
}

/** Whether a parsed JSON value has the shape of TrainPerfJson's rows (what the report reads). */
export function trainJsonProblem(v: unknown): string | null {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  if (!isObject(v) || !Array.isArray(v.train)) return 'expected {"train": [...]}';
  const bad = v.train.findIndex(
    (r) =>
      !isObject(r) ||
      typeof r.model !== 'string' ||
      typeof r.impl !== 'string' ||
      typeof r.batch !== 'number' ||
      !isObject(r.step_ms) ||
      typeof r.step_ms.median !== 'number',
  );
  return bad >= 0 ? `train[${bad}] lacks model, impl, batch or step_ms.median` : null;
}
