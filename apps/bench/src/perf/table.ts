/** The readable summary `bench perf` prints on stdout. */
import { gapText } from './gap.js';
import { type PerfConditionRow, type PerfJson, problemOf } from './perf-json.js';
import { problemTitle } from './problems.js';

/** Fixed-width columns; the first column left-aligned, the others right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const ms = (x: number | null | undefined): string =>
  x == null || !Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
/** A speed-up, with two significant digits below 1 (0.0031x), else two decimals (1.25x) or one (12.5x). */
export function ratioText(x: number | null | undefined, times = 'x'): string {
  if (x == null || !Number.isFinite(x)) return '-';
  return `${x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2)}${times}`;
}

/** One row per implementation and batch size (PyTorch first within a batch): times in ms and speed-ups. */
export function perfRows(perf: PerfJson, times = 'x'): string[][] {
  const rows: string[][] = [];
  const batches = [...new Set([...perf.reference, ...perf.results].map((r) => r.batch))].sort((a, b) => a - b);
  for (const batch of batches) {
    for (const r of perf.reference.filter((x) => x.batch === batch)) {
      rows.push([
        'pytorch',
        String(batch),
        ms(r.forward_ms.median),
        ms(r.forward_ms.p95),
        ms(r.forward_backward_ms.median),
        ms(r.forward_backward_ms.p95),
        ms(r.first_run_ms),
        ms(r.peak_rss_mb),
        `1${times}`,
        `1${times}`,
      ]);
    }
    for (const r of perf.results.filter((x) => x.batch === batch)) {
      rows.push([
        r.backend,
        String(batch),
        ms(r.forward_ms.median),
        ms(r.forward_ms.p95),
        ms(r.forward_backward_ms.median),
        ms(r.forward_backward_ms.p95),
        ms(r.first_run_ms),
        ms(r.peak_rss_mb),
        ratioText(r.speedup_vs_pytorch?.forward, times),
        ratioText(r.speedup_vs_pytorch?.forward_backward, times),
      ]);
    }
  }
  return rows;
}

const conditionName = (r: PerfConditionRow) =>
  `${gapText(r.gap)}${r.validate === null ? '' : `, validate ${r.validate ? 'on' : 'off'}`}`;

/**
 * Every timing condition, forward+backward: median, the spread of the samples (p5-p95), the speed-up
 * over PyTorch timed with the same gap, page faults per call.
 */
export function conditionRows(perf: PerfJson, times = 'x'): string[][] {
  const rows = [...(perf.conditions ?? [])].sort(
    (a, b) =>
      a.batch - b.batch ||
      (a.gap?.ms ?? 0) - (b.gap?.ms ?? 0) ||
      Number(a.impl !== 'pytorch') - Number(b.impl !== 'pytorch'),
  );
  return rows.map((r) => [
    r.impl,
    String(r.batch),
    conditionName(r),
    ms(r.forward_backward_ms.median),
    `${ms(r.forward_backward_ms.p5)}-${ms(r.forward_backward_ms.p95)}`,
    String(r.repeats.forward_backward),
    r.impl === 'pytorch' ? `1${times}` : ratioText(r.speedup_vs_pytorch?.forward_backward, times),
    r.minor_faults_per_run ? r.minor_faults_per_run.forward_backward.toFixed(0) : '-',
  ]);
}

export const CONDITION_HEADER = [
  'implementation',
  'batch',
  'timing',
  'f+b median',
  'f+b p5-p95',
  'n',
  'vs torch f+b',
  'faults/call',
] as const;

export function perfTable(perf: PerfJson): string {
  const c = perf.config;
  const rows = perfRows(perf);
  const header = [
    'implementation',
    'batch',
    'fwd median',
    'fwd p95',
    'f+b median',
    'f+b p95',
    'first run',
    'peak RSS MiB',
    'vs torch fwd',
    'vs torch f+b',
  ];
  const slopes = perf.slopes
    .filter((s) => s.forward || s.forward_backward)
    .map((s) => [
      s.name,
      ms(s.forward?.ms_per_image),
      ms(s.forward_backward?.ms_per_image),
      s.forward_backward ? s.forward_backward.r2.toFixed(3) : '-',
    ]);
  const out = [
    `${problemTitle(problemOf(c), c.num_priors)}; times in ms; "vs torch" = PyTorch median / median, same run` +
      (perf.pytorch.available
        ? ` (${c.original ?? 'PyTorch'}: PyTorch ${perf.pytorch.version}, ${perf.pytorch.threads} thread(s))`
        : ''),
    textTable(header, rows),
  ];
  if (slopes.length)
    out.push(
      '',
      'cost per image (least squares over the batch sizes, ms per image)',
      textTable(['implementation', 'forward', 'fwd+bwd', 'r² fwd+bwd'], slopes),
    );
  if ((perf.conditions?.length ?? 0) > 0) {
    const primary = c.primary ? `${gapText(c.primary.gap)}, validate ${c.primary.validate ? 'on' : 'off'}` : '';
    out.push(
      '',
      `timing conditions (the table above: ${primary}); "vs torch" against PyTorch timed with the same gap; ` +
        'validate on is what compile() gives by default',
      textTable(CONDITION_HEADER, conditionRows(perf)),
    );
  }
  const transfers = perf.results.filter((r) => r.transfer_ms != null);
  if (transfers.length) {
    out.push(
      '',
      'browser rows: run() timed inside the page on feeds already there; moving tensors in and out, median ms per call (fwd+bwd mode)',
    );
    out.push(
      textTable(
        ['implementation', 'batch', 'feeds in', 'outputs out'],
        transfers.map((r) => [
          r.backend,
          String(r.batch),
          ms(r.transfer_ms!.forward_backward.in),
          ms(r.transfer_ms!.forward_backward.out),
        ]),
      ),
    );
  }
  const skipped = [
    ...perf.backends.filter((b) => !b.available),
    ...(perf.pytorch.available ? [] : [{ name: 'pytorch', reason: perf.pytorch.reason }]),
  ];
  if (skipped.length) out.push('', ...skipped.map((b) => `not run: ${b.name}: ${b.reason}`));
  if (perf.skipped?.length)
    out.push('', ...perf.skipped.map((x) => `skipped: ${x.name} at batch ${x.batch}: ${x.reason}`));
  if (perf.errors.length) out.push('', ...perf.errors.map((e) => `failed: ${e.name} at batch ${e.batch}: ${e.error}`));
  return `${out.join('\n')}\n`;
}
