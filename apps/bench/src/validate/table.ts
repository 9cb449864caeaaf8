import type { ValidateReport } from './types.js';

const fmt = (x: number | null): string => (x === null ? '-' : x === 0 ? '0' : x.toExponential(1));

/** A plain-text table: one line per fixture × backend with the worst error of each output. */
export function formatValidateTable(report: ValidateReport): string {
  const header = ['fixture', 'backend', 'result', 'loss_l', 'loss_c', 'grad_loc', 'grad_conf'];
  const rows = report.results.map((r) => [r.fixture, r.backend, r.pass ? 'pass' : 'FAIL', fmt(r.diff.loss_l), fmt(r.diff.loss_c), fmt(r.diff.grad_loc), fmt(r.diff.grad_conf)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const failed = report.results.filter((r) => !r.pass && r.error);
  if (failed.length) out.push('', 'failures:', ...failed.map((r) => `  ${r.fixture} × ${r.backend}: ${r.error}`));
  const unavailable = report.backends.filter((b) => !b.available);
  if (unavailable.length) out.push('', 'unavailable backends:', ...unavailable.map((b) => `  ${b.name}: ${b.reason}`));
  return `${out.join('\n')}\n`;
}
