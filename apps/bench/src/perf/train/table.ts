/** The readable summary of `bench perf --train` (stdout), and the rows the report's training-step table shows. */
import { ms, ratioText, textTable } from '../table.js';
import type { TrainPerfJson } from './perf-train-json.js';

export const TRAIN_HEADER = [
  'model',
  'batch',
  'implementation',
  'step ms (median)',
  'p95',
  'first step ms',
  'n',
  'peak RSS MB',
  'bytes in / out per step (state)',
  'vs PyTorch',
] as const;

/** Bytes in B, KiB or MiB (a step that keeps its state on the device moves a few KiB at most). */
const size = (bytes: number) =>
  bytes < 2 ** 10
    ? `${bytes} B`
    : bytes < 2 ** 20
      ? `${(bytes / 2 ** 10).toFixed(1)} KiB`
      : `${(bytes / 2 ** 20).toFixed(2)} MiB`;

/** One row per model, batch and implementation (PyTorch first). */
export function trainTableRows(perf: Pick<TrainPerfJson, 'train'>, times = 'x'): string[][] {
  const order = (impl: string) => (impl === 'pytorch' ? 0 : 1);
  return [...perf.train]
    .sort((a, b) => a.model.localeCompare(b.model) || a.batch - b.batch || order(a.impl) - order(b.impl))
    .map((r) => [
      r.model,
      String(r.batch),
      r.impl,
      ms(r.step_ms.median),
      ms(r.step_ms.p95),
      ms(r.first_step_ms),
      String(r.repeats),
      ms(r.peak_rss_mb),
      r.transfer_bytes
        ? `${size(r.transfer_bytes.in_bytes)} / ${size(r.transfer_bytes.out_bytes)} (${r.transfer_bytes.state})`
        : '-',
      ratioText(r.speedup_vs_pytorch, times),
    ]);
}

export function trainTable(perf: TrainPerfJson): string {
  const lines = [`${perf.config.what}, batch ${perf.config.batch}`, textTable(TRAIN_HEADER, trainTableRows(perf))];
  for (const m of perf.models.filter((x) => x.reason)) lines.push(`${m.name}: not timed: ${m.reason}`);
  for (const e of perf.errors) lines.push(`${e.name} on ${e.model} b${e.batch}: ${e.error}`);
  return `${lines.join('\n')}\n`;
}
