/**
 * The interleaved timing schedule for one batch size. Every implementation (the PyTorch original and
 * each backend, each in its own process) first makes its first call and warm-up, then they take turns in
 * rounds of short chunks, so that a slow spell of this shared machine hits all of them alike and their
 * ratios stay meaningful.
 *
 * An (implementation, mode) is done once it has at least `minRepeats` timed runs adding up to at least
 * `minTimeMs`, or, for very slow ones, once it has spent `maxTimeMs` (first run and warm-up included)
 * and has at least one timed run. The warm-up is shortened to fit that budget too.
 */
import { measurePeakMemory } from './memory.js';
import type { PerfProblem } from './problems.js';
import { type Gap, PERF_MODES, type PerfMode, type TimeReply, type TimeRequest } from './protocol.js';
import { median } from './stats.js';
import type { TimingServer } from './timing-server.js';

export interface ScheduleOptions {
  readonly minRepeats: number;
  readonly minTimeMs: number;
  /** time budget per implementation, batch size and mode */
  readonly maxTimeMs: number;
  /** untimed runs after the first run, per mode */
  readonly warmup: number;
  /** one turn of an implementation lasts about this long (at least one run) */
  readonly chunkMs: number;
}

export interface Contender {
  readonly name: string;
  readonly server: TimingServer;
  /** backends: time the loss compiled with validation on (compile's default) or off; absent for the original */
  readonly validate?: boolean;
}

export interface Cell {
  readonly name: string;
  readonly batch: number;
  /** validation on or off in the timed runs; null for the original (it has none) */
  readonly validate: boolean | null;
  /** the gap before each timed call; null: back to back */
  readonly gap: Gap | null;
  readonly times: Record<PerfMode, number[]>;
  readonly firstRunMs: Partial<Record<PerfMode, number>>;
  /** wall time spent per mode, first run and warm-up included */
  readonly spentMs: Record<PerfMode, number>;
  /** null where it could not be measured */
  peakRssMb: number | null;
  /** browser backends: feeds into the page and outputs out, per timed request (see TimeReply) */
  readonly transferMs: Record<PerfMode, { in: number; out: number }[]>;
  /** workers: minor page faults per timed call, one entry per timed request */
  readonly faultsPerRun: Record<PerfMode, number[]>;
  error?: string;
}

type Progress = (line: string) => void;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function isDone(cell: Cell, mode: PerfMode, options: ScheduleOptions): boolean {
  const times = cell.times[mode];
  if (times.length >= options.minRepeats && sum(times) >= options.minTimeMs) return true;
  return times.length >= 1 && cell.spentMs[mode] >= options.maxTimeMs;
}

/** Runs one request with its memory measured; the cell keeps the highest peak and counts the time. */
async function measured(contender: Contender, cell: Cell, request: TimeRequest): Promise<TimeReply> {
  const pid = contender.server.pid;
  const span = pid === undefined ? null : measurePeakMemory(pid);
  const start = performance.now();
  try {
    const reply = await contender.server.request<TimeReply>(request);
    if (!span && reply.rss_after_runs_mb !== undefined)
      cell.peakRssMb = Math.max(cell.peakRssMb ?? 0, reply.rss_after_runs_mb);
    if (reply.transfer_ms !== undefined) cell.transferMs[request.mode].push({ ...reply.transfer_ms });
    if (reply.minor_faults_per_run !== undefined) cell.faultsPerRun[request.mode].push(reply.minor_faults_per_run);
    return reply;
  } finally {
    cell.spentMs[request.mode] += performance.now() - start;
    if (span) cell.peakRssMb = Math.max(cell.peakRssMb ?? 0, span.stop());
  }
}

/** Timed runs for the next turn: about `chunkMs` worth, within what is left of the budget, at least one. */
function turnRepeats(cell: Cell, mode: PerfMode, options: ScheduleOptions): number {
  const times = cell.times[mode];
  const perRun = Math.max(times.length ? sum(times) / times.length : (cell.firstRunMs[mode] ?? options.chunkMs), 1e-3);
  const budgetLeft = options.maxTimeMs - cell.spentMs[mode];
  const wanted = Math.min(options.chunkMs, budgetLeft);
  return Math.max(1, Math.min(1000, Math.floor(wanted / perRun)));
}

export async function measureBatch(
  contenders: readonly Contender[],
  shape: PerfProblem & { readonly batch: number },
  options: ScheduleOptions,
  progress: Progress,
  gap: Gap | null = null,
): Promise<Cell[]> {
  const cells = contenders.map<Cell>((c) => ({
    name: c.name,
    batch: shape.batch,
    validate: c.validate ?? null,
    gap,
    times: { forward: [], forward_backward: [] },
    firstRunMs: {},
    spentMs: { forward: 0, forward_backward: 0 },
    peakRssMb: null,
    transferMs: { forward: [], forward_backward: [] },
    faultsPerRun: { forward: [], forward_backward: [] },
  }));
  const request = (i: number, mode: PerfMode, repeats: number, warmup = 0): TimeRequest => ({
    cmd: 'time',
    ...shape,
    mode,
    repeats,
    warmup,
    ...(gap !== null && { gap }),
    ...(contenders[i]!.validate !== undefined && { validate: contenders[i]!.validate }),
  });
  const label = (i: number) => cellLabel(cells[i]!);
  const guard = async (i: number, job: () => Promise<void>) => {
    if (cells[i]!.error) return;
    try {
      await job();
    } catch (err) {
      cells[i]!.error = err instanceof Error ? err.message : String(err);
      progress(`batch ${shape.batch}: ${label(i)} failed: ${cells[i]!.error}`);
    }
  };

  // The first call, then as much warm-up as a quarter of the budget allows, outside the timed samples.
  for (const [i, c] of contenders.entries()) {
    const cell = cells[i]!;
    for (const mode of PERF_MODES) {
      await guard(i, async () => {
        cell.firstRunMs[mode] = (await measured(c, cell, request(i, mode, 0))).first_run_ms;
        const warmup = Math.min(
          options.warmup,
          Math.floor(options.maxTimeMs / 4 / Math.max(cell.firstRunMs[mode]!, 1e-3)),
        );
        if (warmup > 0) await measured(c, cell, request(i, mode, 0, warmup));
      });
    }
    if (!cell.error)
      progress(
        `batch ${shape.batch}: ${label(i)} first run ${cell.firstRunMs.forward?.toFixed(1)} ms (forward), ${cell.firstRunMs.forward_backward?.toFixed(1)} ms (forward+backward)`,
      );
  }

  for (let round = 0; ; round++) {
    let busy = false;
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length; // rotate who goes first
      const cell = cells[i]!;
      for (const mode of PERF_MODES) {
        if (cell.error || isDone(cell, mode, options)) continue;
        busy = true;
        await guard(i, async () => {
          const reply = await measured(contenders[i]!, cell, request(i, mode, turnRepeats(cell, mode, options)));
          cell.times[mode].push(...reply.times_ms);
        });
      }
    }
    if (!busy) break;
  }
  for (const cell of cells) {
    if (cell.error) continue;
    const name = cellLabel(cell);
    const report = (mode: PerfMode) => {
      const short =
        cell.times[mode].length < options.minRepeats ? `, cut short by the ${options.maxTimeMs / 1000} s budget` : '';
      return `${median(cell.times[mode]).toFixed(1)} ms (n=${cell.times[mode].length}${short})`;
    };
    progress(
      `batch ${shape.batch}: ${name} forward ${report('forward')}, forward+backward ${report('forward_backward')}`,
    );
  }
  return cells;
}

/** e.g. "onnxruntime-node-cpu (validate on)", "pytorch" */
export function cellLabel(cell: Pick<Cell, 'name' | 'validate'>): string {
  return cell.validate === null ? cell.name : `${cell.name} (validate ${cell.validate ? 'on' : 'off'})`;
}
