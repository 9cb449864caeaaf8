/** Plain-SVG building blocks for the report charts: escaping, scales, ticks, colours. No dependencies. */

export function esc(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number written short enough for an attribute (0.01 px is far below what anyone sees). */
export const px = (x: number): string => (Math.round(x * 100) / 100).toString();

export interface Scale {
  (value: number): number;
  readonly ticks: number[];
  readonly log: boolean;
}

/** Maps [lo, hi] (data) to [from, to] (pixels), linearly or by log10. */
export function scale(lo: number, hi: number, from: number, to: number, log: boolean): Scale {
  const f = log ? Math.log10 : (x: number) => x;
  const a = f(lo);
  const b = f(hi) === a ? a + 1 : f(hi);
  const map = ((v: number) => from + ((f(v) - a) / (b - a)) * (to - from)) as Scale;
  return Object.assign(map, { ticks: log ? logTicks(lo, hi) : linearTicks(lo, hi), log });
}

/** 1, 2, 5 × 10^k inside [lo, hi]; only the powers of ten when that alone gives enough. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  const decades = out.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  return decades.length >= 3 ? decades : out;
}

export function linearTicks(lo: number, hi: number, count = 5): number[] {
  const step0 = (hi - lo) / count || 1;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

/** Widens [lo, hi] to whole 1-2-5 steps on a log axis, so that data never sits on the frame. */
export function logDomain(values: readonly number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return [1, 10];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const down = (v: number) => {
    const e = 10 ** Math.floor(Math.log10(v));
    return [5, 2, 1].map((m) => m * e).find((s) => s <= v) ?? e;
  };
  const up = (v: number) => {
    const e = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 5, 10].map((m) => m * e).find((s) => s >= v) ?? 10 * e;
  };
  return [down(lo), up(hi) === down(lo) ? up(hi) * 2 : up(hi)];
}

/** A short tick label: 0.5, 2, 1k, 20k. */
export function tickLabel(v: number): string {
  if (v >= 1000) return `${+(v / 1000).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** Distinguishable colours (Tableau 10), given out in series order; PyTorch always gets black. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function colourFor(names: readonly string[]): (name: string) => string {
  const others = names.filter((n) => n !== 'pytorch');
  return (name) => (name === 'pytorch' ? '#222222' : (PALETTE[others.indexOf(name) % PALETTE.length] ?? '#888888'));
}

/** A chart's outer `<svg>`: fixed viewBox, scales with the page, named for tests and readers. */
export function svgRoot(id: string, width: number, height: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${esc(id)}" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif" font-size="12">` +
    `<title>${esc(title)}</title><rect width="${width}" height="${height}" fill="#fff"/>` +
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>${body}</svg>`
  );
}
