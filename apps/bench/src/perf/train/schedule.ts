/**
 * The interleaved schedule of `bench perf --train` for one model and batch size, as perf/schedule.ts does
 * for losses: each implementation makes its first step and warm-up, then they take turns in short chunks
 * (rotating who goes first) until each has `minRepeats` steps adding up to `minTimeMs`, or has spent
 * `maxTimeMs` with at least one timed step.
 */
import { measurePeakMemory } from '../memory.js';
import type { Contender } from '../schedule.js';
import type { TrainTimeReply, TrainTimeRequest } from './protocol.js';

export interface TrainScheduleOptions {
  readonly minRepeats: number;
  readonly minTimeMs: number;
  readonly maxTimeMs: number;
  readonly warmup: number;
  readonly chunkMs: number;
}

export interface TrainCell {
  readonly name: string;
  readonly model: string;
  readonly batch: number;
  readonly times: number[];
  firstRunMs: number | null;
  spentMs: number;
  peakRssMb: number | null;
  error?: string;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function isDone(cell: TrainCell, o: TrainScheduleOptions): boolean {
  if (cell.times.length >= o.minRepeats && sum(cell.times) >= o.minTimeMs) return true;
  return cell.times.length >= 1 && cell.spentMs >= o.maxTimeMs;
}

async function measured(contender: Contender, cell: TrainCell, request: TrainTimeRequest): Promise<TrainTimeReply> {
  const pid = contender.server.pid;
  const span = pid === undefined ? null : measurePeakMemory(pid);
  const start = performance.now();
  try {
    const reply = await contender.server.request<TrainTimeReply>(request);
    if (!span && reply.rss_after_runs_mb !== undefined)
      cell.peakRssMb = Math.max(cell.peakRssMb ?? 0, reply.rss_after_runs_mb);
    return reply;
  } finally {
    cell.spentMs += performance.now() - start;
    if (span) cell.peakRssMb = Math.max(cell.peakRssMb ?? 0, span.stop());
  }
}

function turnRepeats(cell: TrainCell, o: TrainScheduleOptions): number {
  const perStep = Math.max(cell.times.length ? sum(cell.times) / cell.times.length : (cell.firstRunMs ?? 1), 1e-3);
  return Math.max(1, Math.min(1000, Math.floor(Math.min(o.chunkMs, o.maxTimeMs - cell.spentMs) / perStep)));
}

export async function measureTrainStep(
  contenders: readonly Contender[],
  shape: { readonly model: string; readonly batch: number },
  options: TrainScheduleOptions,
  progress: (line: string) => void,
): Promise<TrainCell[]> {
  const cells = contenders.map<TrainCell>((c) => ({
    name: c.name,
    ...shape,
    times: [],
    firstRunMs: null,
    spentMs: 0,
    peakRssMb: null,
  }));
  const request = (repeats: number, warmup = 0): TrainTimeRequest => ({ cmd: 'time', ...shape, repeats, warmup });
  const guarded = async (contender: Contender, cell: TrainCell, job: () => Promise<void>) => {
    if (cell.error) return;
    try {
      await job();
    } catch (err) {
      cell.error = err instanceof Error ? err.message : String(err);
      progress(`${shape.model} b${shape.batch}: ${contender.name} failed: ${cell.error}`);
    }
  };
  for (const [i, c] of contenders.entries()) {
    const cell = cells[i];
    if (!cell) continue;
    await guarded(c, cell, async () => {
      const first = (await measured(c, cell, request(0))).first_run_ms;
      cell.firstRunMs = first;
      const warmup = Math.min(options.warmup, Math.floor(options.maxTimeMs / 4 / Math.max(first, 1e-3)));
      if (warmup > 0) await measured(c, cell, request(0, warmup));
      progress(`${shape.model} b${shape.batch}: ${c.name} first step ${first.toFixed(0)} ms`);
    });
  }
  for (let round = 0; ; round++) {
    let busy = false;
    for (let k = 0; k < contenders.length; k++) {
      const i = (round + k) % contenders.length;
      const [c, cell] = [contenders[i], cells[i]];
      if (!c || !cell || cell.error || isDone(cell, options)) continue;
      busy = true;
      await guarded(c, cell, async () => {
        cell.times.push(...(await measured(c, cell, request(turnRepeats(cell, options)))).times_ms);
      });
    }
    if (!busy) break;
  }
  return cells;
}
