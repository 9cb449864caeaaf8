/**
 * The JSON that `bench perf --json` writes. The required fields come first: they are what readers of
 * perf results rely on (the report, comparisons between runs); the fields after a `+` are additions for reports:
 *
 *   results[]:   backend, batch, forward_ms{median,p95}, forward_backward_ms{median,p95}, first_run_ms,
 *                peak_rss_mb, + device, repeats, first_run_by_mode_ms, speedup_vs_pytorch, transfer_ms
 *   reference[]: impl "pytorch", batch, forward_ms, forward_backward_ms, + first_run_ms, peak_rss_mb, repeats
 *   slopes[]:    least-squares cost per image over the batch sizes, per implementation and mode
 *   + conditions[]: every timing condition measured (back to back or a gap before each call, validation
 *                on or off), per implementation and batch: medians with their spread, speed-up over
 *                PyTorch timed in the same condition, page faults per call
 *
 * results[] and reference[] hold one condition: back to back with validation off when it was measured
 * (what files before the conditions held), else the first measured; `config.primary` says which.
 *   backends[], pytorch, errors[], skipped[], config, machine
 */

import { perfProblem } from '@lossgraph/core';
import { gapText } from './gap.js';
import type { MachineInfo } from './machine.js';
import { DEFAULT_PERF_LOSS, type PerfLoss, type PerfProblem } from './problems.js';
import { type Gap, PERF_MODES, type PerfMode } from './protocol.js';
import { type Cell, cellLabel } from './schedule.js';
import { leastSquares, median, percentile, summarize, type TimeSummary } from './stats.js';

export interface PerfResult {
  readonly backend: string;
  readonly batch: number;
  readonly forward_ms: TimeSummary;
  readonly forward_backward_ms: TimeSummary;
  /** the first call at this batch size (a forward), after compiling */
  readonly first_run_ms: number;
  /** see perf/memory.ts; null where it could not be measured */
  readonly peak_rss_mb: number | null;
  readonly device: string;
  readonly repeats: Record<PerfMode, number>;
  readonly first_run_by_mode_ms: Partial<Record<PerfMode, number>>;
  /** PyTorch median / this median, measured in the same run; null without PyTorch */
  readonly speedup_vs_pytorch: Record<PerfMode, number> | null;
  /**
   * Browser backends (times are run() inside the page): median ms to move the feeds into the page and
   * the outputs back, per mode; null for backends that run in the bench's own process.
   */
  readonly transfer_ms: Record<PerfMode, { readonly in: number; readonly out: number }> | null;
}

export interface PerfReference {
  readonly impl: 'pytorch';
  readonly batch: number;
  readonly forward_ms: TimeSummary;
  readonly forward_backward_ms: TimeSummary;
  readonly first_run_ms: number;
  readonly peak_rss_mb: number | null;
  readonly repeats: Record<PerfMode, number>;
}

/** A median with the spread of the samples around it. */
export interface TimeSpread extends TimeSummary {
  readonly min: number;
  readonly p5: number;
  readonly max: number;
}

/** One timing condition: the gap before each call (null: back to back) and validation (null: the original). */
export interface TimingCondition {
  readonly gap: Gap | null;
  readonly validate: boolean | null;
}

/** One implementation at one batch size in one timing condition. */
export interface PerfConditionRow extends TimingCondition {
  /** a backend name, or "pytorch" */
  readonly impl: string;
  readonly batch: number;
  readonly forward_ms: TimeSpread;
  readonly forward_backward_ms: TimeSpread;
  readonly repeats: Record<PerfMode, number>;
  /** PyTorch median in the same gap / this median; null for PyTorch itself and without it */
  readonly speedup_vs_pytorch: Record<PerfMode, number> | null;
  /** median over the timed requests of the worker's minor page faults per call; null where not counted */
  readonly minor_faults_per_run: Record<PerfMode, number> | null;
  readonly peak_rss_mb: number | null;
}

export interface PerfSlope {
  /** a backend name, or "pytorch" */
  readonly name: string;
  readonly forward: SlopeFit | null;
  readonly forward_backward: SlopeFit | null;
}

export interface SlopeFit {
  readonly ms_per_image: number;
  readonly intercept_ms: number;
  readonly r2: number;
  readonly batches: number[];
}

export interface BackendStatus {
  readonly name: string;
  readonly available: boolean;
  readonly reason: string | null;
  readonly device?: string;
  readonly compile_ms?: Record<PerfMode, number>;
  /** RSS of the worker holding the forward+backward program once compiled, before any input exists: the runtime's own cost */
  readonly idle_rss_mb?: number | null;
  /** the bench backend's own remarks (precision limits, software rendering, ...) */
  readonly notes?: string;
}

export interface PerfConfig {
  readonly date: string;
  /** the loss timed; absent in files written before a second loss was timed, which all timed the default loss */
  readonly loss?: PerfLoss;
  /** the fields of the loss's own timing problem (its registry entry's `perf`), e.g. an image size */
  readonly [problemField: string]: unknown;
  /** default boxes or anchors per image */
  readonly num_priors: number;
  readonly classes: number;
  /** what the PyTorch rows time */
  readonly original?: string;
  readonly batches: number[];
  readonly min_repeats: number;
  readonly min_time_s: number;
  readonly max_time_s: number;
  readonly warmup: number;
  /** the gaps timed (null: back to back) and validation settings; absent in older files (back to back, off) */
  readonly gaps?: (Gap | null)[];
  readonly validate?: boolean[];
  /** the condition results[] and reference[] hold */
  readonly primary?: { readonly gap: Gap | null; readonly validate: boolean };
  readonly command: string;
  readonly memory: string;
  readonly timing: string;
}

export interface Skip {
  readonly name: string;
  readonly batch: number;
  readonly reason: string;
}

export interface PerfJson {
  readonly results: PerfResult[];
  readonly reference: PerfReference[];
  readonly slopes: PerfSlope[];
  /** every condition measured (absent in files written before the training-loop timing) */
  readonly conditions?: PerfConditionRow[];
  readonly backends: BackendStatus[];
  readonly pytorch: {
    readonly available: boolean;
    readonly reason: string | null;
    readonly version?: string;
    readonly threads?: number;
  };
  readonly errors: { readonly name: string; readonly batch: number; readonly error: string }[];
  /** implementations not timed at a batch size, and why (too slow for --max-time, or failed before) */
  readonly skipped: Skip[];
  readonly config: PerfConfig;
  readonly machine: MachineInfo;
}

const repeatsOf = (cell: Cell) => ({
  forward: cell.times.forward.length,
  forward_backward: cell.times.forward_backward.length,
});

/** Cells with an error, or without samples in some mode, give no row (they are listed in `errors`). */
export const isComplete = (cell: Cell): boolean => !cell.error && PERF_MODES.every((m) => cell.times[m].length > 0);

export function referenceRow(cell: Cell): PerfReference {
  return {
    impl: 'pytorch',
    batch: cell.batch,
    forward_ms: summarize(cell.times.forward),
    forward_backward_ms: summarize(cell.times.forward_backward),
    first_run_ms: cell.firstRunMs.forward ?? NaN,
    peak_rss_mb: cell.peakRssMb,
    repeats: repeatsOf(cell),
  };
}

export function resultRow(cell: Cell, device: string, pytorch: Cell | undefined): PerfResult {
  const speedup =
    pytorch && isComplete(pytorch)
      ? {
          forward: median(pytorch.times.forward) / median(cell.times.forward),
          forward_backward: median(pytorch.times.forward_backward) / median(cell.times.forward_backward),
        }
      : null;
  return {
    backend: cell.name,
    batch: cell.batch,
    forward_ms: summarize(cell.times.forward),
    forward_backward_ms: summarize(cell.times.forward_backward),
    first_run_ms: cell.firstRunMs.forward ?? NaN,
    peak_rss_mb: cell.peakRssMb,
    device,
    repeats: repeatsOf(cell),
    first_run_by_mode_ms: cell.firstRunMs,
    speedup_vs_pytorch: speedup,
    transfer_ms: transferOf(cell),
  };
}

function transferOf(cell: Cell): PerfResult['transfer_ms'] {
  if (PERF_MODES.some((m) => cell.transferMs[m].length === 0)) return null;
  const of = (m: PerfMode) => ({
    in: median(cell.transferMs[m].map((t) => t.in)),
    out: median(cell.transferMs[m].map((t) => t.out)),
  });
  return { forward: of('forward'), forward_backward: of('forward_backward') };
}

/** Cost per image: least squares of the median time against the batch size. */
export function slopeOf(
  name: string,
  rows: readonly { batch: number; forward_ms: TimeSummary; forward_backward_ms: TimeSummary }[],
): PerfSlope {
  const fit = (mode: PerfMode): SlopeFit | null => {
    const line = leastSquares(rows.map((r) => [r.batch, r[`${mode}_ms`].median] as const));
    return (
      line && { ms_per_image: line.slope, intercept_ms: line.intercept, r2: line.r2, batches: rows.map((r) => r.batch) }
    );
  };
  return { name, forward: fit('forward'), forward_backward: fit('forward_backward') };
}

const sameGap = (a: Gap | null, b: Gap | null) =>
  a === null ? b === null : b !== null && a.kind === b.kind && a.ms === b.ms;

function spread(times: readonly number[]): TimeSpread {
  return { ...summarize(times), min: Math.min(...times), p5: percentile(times, 5), max: Math.max(...times) };
}

export function conditionRow(cell: Cell, pytorch: Cell | undefined): PerfConditionRow {
  const faults = PERF_MODES.every((m) => cell.faultsPerRun[m].length > 0)
    ? { forward: median(cell.faultsPerRun.forward), forward_backward: median(cell.faultsPerRun.forward_backward) }
    : null;
  return {
    impl: cell.name,
    batch: cell.batch,
    gap: cell.gap,
    validate: cell.validate,
    forward_ms: spread(cell.times.forward),
    forward_backward_ms: spread(cell.times.forward_backward),
    repeats: repeatsOf(cell),
    speedup_vs_pytorch:
      pytorch && pytorch !== cell && isComplete(pytorch)
        ? {
            forward: median(pytorch.times.forward) / median(cell.times.forward),
            forward_backward: median(pytorch.times.forward_backward) / median(cell.times.forward_backward),
          }
        : null,
    minor_faults_per_run: faults,
    peak_rss_mb: cell.peakRssMb,
  };
}

/**
 * The condition results[] report: back to back with validation off when measured (comparable with files
 * written before the conditions), else the first gap and validation setting timed.
 */
export function primaryCondition(cells: readonly Cell[]): { gap: Gap | null; validate: boolean } {
  const backends = cells.filter((c) => c.validate !== null);
  const preferred = backends.find((c) => c.gap === null && c.validate === false) ?? backends[0];
  return { gap: preferred?.gap ?? null, validate: preferred?.validate ?? false };
}

/** The whole JSON from the measured cells; a backend's rows follow the order of `devices`. */
export function assemblePerfJson(parts: {
  cells: readonly Cell[];
  /** backend name -> what ran it, for every backend that was timed */
  devices: ReadonlyMap<string, string>;
  backends: BackendStatus[];
  skipped: Skip[];
  pytorch: PerfJson['pytorch'];
  config: PerfConfig;
  machine: MachineInfo;
}): PerfJson {
  const complete = parts.cells.filter(isComplete);
  const primary = primaryCondition(complete);
  const inPrimary = complete.filter(
    (c) => sameGap(c.gap, primary.gap) && (c.validate === null || c.validate === primary.validate),
  );
  const torchCells = inPrimary.filter((c) => c.name === 'pytorch');
  const reference = torchCells.map(referenceRow);
  const names = [...parts.devices.keys()];
  const results = names.flatMap((name) =>
    inPrimary
      .filter((cell) => cell.name === name)
      .map((cell) =>
        resultRow(
          cell,
          parts.devices.get(name)!,
          torchCells.find((t) => t.batch === cell.batch),
        ),
      ),
  );
  const torchIn = (cell: Cell) =>
    complete.find((t) => t.name === 'pytorch' && t.batch === cell.batch && sameGap(t.gap, cell.gap));
  return {
    results,
    reference,
    slopes: [
      ...(reference.length ? [slopeOf('pytorch', reference)] : []),
      ...names.map((name) =>
        slopeOf(
          name,
          results.filter((r) => r.backend === name),
        ),
      ),
    ],
    conditions: complete.map((cell) => conditionRow(cell, torchIn(cell))),
    backends: parts.backends,
    skipped: parts.skipped,
    pytorch: parts.pytorch,
    errors: parts.cells
      .filter((c) => !isComplete(c))
      .map((c) => ({
        name: c.gap === null ? cellLabel(c) : `${cellLabel(c)}, ${gapText(c.gap)}`,
        batch: c.batch,
        error: c.error ?? 'no timed runs',
      })),
    config: { ...parts.config, primary },
    machine: parts.machine,
  };
}

/** The problem a perf JSON timed, from its config (files without `loss` timed the default loss). */
export function problemOf(config: PerfConfig): PerfProblem {
  return perfProblem(config.loss ?? DEFAULT_PERF_LOSS).fromConfig(config as unknown as Record<string, unknown>);
}
