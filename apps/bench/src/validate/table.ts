import type { ValidateReport, ValidateRow } from './types.js';

const fmt = (x: number | null | undefined): string => (x == null ? '-' : x === 0 ? '0' : x.toExponential(1));

/** The diagnostics cells: pass/FAIL (— without a companion file) and the worst float error. */
const diagCells = ({ diag }: ValidateRow): [string, string] =>
  diag === null ? ['—', '—'] : [diag.pass ? 'pass' : 'FAIL', fmt(diag.worst)];

/** Rows grouped by the fixture's loss, in order of first appearance; unreadable fixtures last. */
export function rowsByLoss(rows: readonly ValidateRow[]): [string, ValidateRow[]][] {
  const groups = new Map<string, ValidateRow[]>();
  for (const r of rows) {
    const key = r.loss ?? 'unreadable fixtures';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups].sort(([a], [b]) => Number(a === 'unreadable fixtures') - Number(b === 'unreadable fixtures'));
}

function lossTable(rows: readonly ValidateRow[]): string[] {
  const outputs = [...new Set(rows.flatMap((r) => Object.keys(r.diff)))];
  const withProfile = rows.some((r) => r.profile !== null);
  const header = ['fixture', ...(withProfile ? ['profile'] : []), 'backend', 'result', ...outputs, 'diag', 'diag err'];
  const cells = rows.map((r) => [
    r.fixture,
    ...(withProfile ? [r.profile ?? '-'] : []),
    r.backend,
    r.pass ? 'pass' : 'FAIL',
    ...outputs.map((o) => fmt(r.diff[o])),
    ...diagCells(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

/**
 * Plain-text tables, one per loss: a line per fixture × backend with the worst error of each output, then the
 * diagnostics check and its worst float error.
 */
export function formatValidateTable(report: ValidateReport): string {
  const out: string[] = [];
  for (const [loss, rows] of rowsByLoss(report.results)) {
    if (out.length) out.push('');
    out.push(`${loss}:`, ...lossTable(rows));
  }
  const failed = report.results.filter((r) => !r.pass && r.error);
  if (failed.length) out.push('', 'failures:', ...failed.map((r) => `  ${r.fixture} × ${r.backend}: ${r.error}`));
  const unavailable = report.backends.filter((b) => !b.available);
  if (unavailable.length) out.push('', 'unavailable backends:', ...unavailable.map((b) => `  ${b.name}: ${b.reason}`));
  return `${out.join('\n')}\n`;
}
