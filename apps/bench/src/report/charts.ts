/**
 * The report's charts, as SVG strings generated from data. Every series is a `<g class="series"
 * data-series="NAME">`, so readers (and tests) can find each backend in each chart.
 */
import { colourFor, esc, logDomain, px, scale, svgRoot, tickLabel } from './svg.js';

export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

const PLOT_W = 490;
const H = 380;
const M = { left: 64, top: 40, bottom: 48 };

/** Chart width and right margin: the plot plus a legend wide enough for the longest name. */
function layout(names: readonly string[]): { W: number; right: number } {
  const right = 56 + 7 * Math.max(8, ...names.map((n) => n.length));
  return { W: M.left + PLOT_W + right, right };
}

/** The legend at the right: a line (dashed or not) or a filled square per series. */
function legend(
  names: readonly string[],
  colour: (n: string) => string,
  swatch: (n: string) => 'line' | 'dashed' | 'box',
): string {
  const { W, right } = layout(names);
  return names
    .map((name, i) => {
      const y = M.top + 8 + i * 20;
      const x = W - right + 16;
      const kind = swatch(name);
      const mark =
        kind === 'box'
          ? `<rect x="${x + 4}" y="${y - 7}" width="14" height="14" fill="${colour(name)}"/>`
          : `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${colour(name)}" stroke-width="3"${kind === 'dashed' ? ' stroke-dasharray="6 4"' : ''}/>`;
      return `<g class="legend-item" data-series="${esc(name)}">${mark}<text x="${x + 28}" y="${y + 4}">${esc(name)}</text></g>`;
    })
    .join('');
}

function frame(
  xTicks: readonly number[],
  x: (v: number) => number,
  yTicks: readonly number[],
  y: (v: number) => number,
  xLabel: string,
  yLabel: string,
): string {
  const x0 = M.left;
  const x1 = M.left + PLOT_W;
  const y0 = H - M.bottom;
  const y1 = M.top;
  const grid = yTicks
    .map(
      (t) =>
        `<line x1="${x0}" x2="${x1}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#e3e3e3"/><text x="${x0 - 6}" y="${px(y(t) + 4)}" text-anchor="end">${esc(tickLabel(t))}</text>`,
    )
    .join('');
  const xs = xTicks
    .map(
      (t) =>
        `<line x1="${px(x(t))}" x2="${px(x(t))}" y1="${y0}" y2="${y0 + 5}" stroke="#555"/><text x="${px(x(t))}" y="${y0 + 18}" text-anchor="middle">${esc(tickLabel(t))}</text>`,
    )
    .join('');
  return (
    `<g class="axes">${grid}${xs}<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#555"/>` +
    `<text x="${(x0 + x1) / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text transform="translate(16 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text></g>`
  );
}

/** Lines with markers on log-log axes: one series per implementation, x = batch size. */
export function lineChart(
  id: string,
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly LineSeries[],
): string {
  const xsAll = [...new Set(series.flatMap((s) => s.points.map(([bx]) => bx)))].sort((a, b) => a - b);
  const { W } = layout(series.map((s) => s.name));
  if (xsAll.length === 0)
    return svgRoot(id, W, 80, title, `<text x="${W / 2}" y="55" text-anchor="middle">no data</text>`);
  const [xlo, xhi] = xsAll.length === 1 ? [xsAll[0]! / 2, xsAll[0]! * 2] : [xsAll[0]! / 1.25, xsAll.at(-1)! * 1.25];
  const x = scale(xlo, xhi, M.left, M.left + PLOT_W, true);
  const [ylo, yhi] = logDomain(series.flatMap((s) => s.points.map(([, v]) => v)));
  const y = scale(ylo, yhi, H - M.bottom, M.top, true);
  const colour = colourFor(series.map((s) => s.name));
  const swatch = (n: string) => (series.find((s) => s.name === n)?.dashed ? 'dashed' : 'line') as 'dashed' | 'line';
  const body = series
    .map((s) => {
      const pts = s.points.filter(([, v]) => Number.isFinite(v) && v > 0);
      const d = pts.map(([bx, v], i) => `${i ? 'L' : 'M'}${px(x(bx))} ${px(y(v))}`).join(' ');
      const dots = pts
        .map(
          ([bx, v]) =>
            `<circle cx="${px(x(bx))}" cy="${px(y(v))}" r="4" fill="${colour(s.name)}"><title>${esc(`${s.name}, batch ${bx}: ${tickLabel(v)} ms`)}</title></circle>`,
        )
        .join('');
      return (
        `<g class="series" data-series="${esc(s.name)}"><path d="${d}" fill="none" stroke="${colour(s.name)}" stroke-width="2.5"` +
        `${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>${dots}</g>`
      );
    })
    .join('');
  return svgRoot(
    id,
    W,
    H,
    title,
    frame(xsAll, x, y.ticks, y, xLabel, yLabel) +
      body +
      legend(
        series.map((s) => s.name),
        colour,
        swatch,
      ),
  );
}

export interface BarGroup {
  readonly label: string;
  /** series name -> value; a missing series leaves a gap */
  readonly values: Readonly<Record<string, number>>;
}

/**
 * Grouped bars of ratios on a log axis, growing up from 1× (faster than PyTorch) or down (slower), with
 * dashed lines at the given targets.
 */
export function ratioBars(
  id: string,
  title: string,
  yLabel: string,
  names: readonly string[],
  groups: readonly BarGroup[],
  targets: readonly { value: number; label: string }[] = [],
): string {
  const { W } = layout(names);
  if (groups.length === 0 || names.length === 0)
    return svgRoot(id, W, 80, title, `<text x="${W / 2}" y="55" text-anchor="middle">no data</text>`);
  const values = groups.flatMap((g) => Object.values(g.values));
  const [ylo, yhi] = logDomain([...values, 1, ...targets.map((t) => t.value)].flatMap((v) => [v / 2.5, v * 2.5]));
  const y = scale(ylo, yhi, H - M.bottom, M.top, true);
  const groupW = PLOT_W / groups.length;
  const barW = Math.min(36, (groupW * 0.8) / names.length);
  const colour = colourFor(names);
  const narrow = barW < 30;
  const xOf = (g: number, s: number) => M.left + g * groupW + (groupW - barW * names.length) / 2 + s * barW;
  const body = names
    .map((name, s) => {
      const bars = groups
        .map((g, gi) => {
          const v = g.values[name];
          if (v === undefined || !(v > 0)) return '';
          const top = Math.min(y(v), y(1));
          const h = Math.max(1, Math.abs(y(v) - y(1)));
          const label = `${v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2)}×`;
          const cx = xOf(gi, s) + barW / 2;
          // narrow bars get their label turned upright along the bar's end, so neighbours do not overlap
          const text = narrow
            ? `<text transform="translate(${px(cx + 3)} ${px(v >= 1 ? top - 3 : top + h + 3)}) rotate(-90)" text-anchor="${v >= 1 ? 'start' : 'end'}" font-size="9">${esc(label)}</text>`
            : `<text x="${px(cx)}" y="${px(v >= 1 ? top - 4 : top + h + 12)}" text-anchor="middle" font-size="10">${esc(label)}</text>`;
          return (
            `<rect x="${px(xOf(gi, s) + 1)}" y="${px(top)}" width="${px(barW - 2)}" height="${px(h)}" fill="${colour(name)}">` +
            `<title>${esc(`${name}, ${g.label}: ${label} PyTorch's speed`)}</title></rect>${text}`
          );
        })
        .join('');
      return `<g class="series" data-series="${esc(name)}">${bars}</g>`;
    })
    .join('');
  const x0 = M.left;
  const x1 = M.left + PLOT_W;
  const lines =
    `<line x1="${x0}" x2="${x1}" y1="${px(y(1))}" y2="${px(y(1))}" stroke="#222" stroke-width="1.5"/>` +
    `<text x="${x1 - 4}" y="${px(y(1) - 4)}" text-anchor="end" font-size="10">PyTorch = 1×</text>` +
    targets
      .map(
        (t) =>
          `<line x1="${x0}" x2="${x1}" y1="${px(y(t.value))}" y2="${px(y(t.value))}" stroke="#999" stroke-dasharray="4 4"/><text x="${x0 + 4}" y="${px(y(t.value) - 4)}" font-size="10" fill="#666">${esc(t.label)}</text>`,
      )
      .join('');
  const grid = y.ticks
    .map(
      (t) =>
        `<line x1="${x0}" x2="${x1}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#eee"/><text x="${x0 - 6}" y="${px(y(t) + 4)}" text-anchor="end">${esc(`${tickLabel(t)}×`)}</text>`,
    )
    .join('');
  const xlabels = groups
    .map(
      (g, gi) =>
        `<text x="${px(M.left + gi * groupW + groupW / 2)}" y="${H - M.bottom + 18}" text-anchor="middle">${esc(g.label)}</text>`,
    )
    .join('');
  const axes =
    `<g class="axes">${grid}${xlabels}<rect x="${x0}" y="${M.top}" width="${x1 - x0}" height="${H - M.bottom - M.top}" fill="none" stroke="#555"/>` +
    `<text transform="translate(16 ${(H - M.bottom + M.top) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text></g>`;
  return svgRoot(id, W, H, title, axes + lines + body + legend(names, colour, () => 'box'));
}

export interface HeatCell {
  /** worst error / tolerance over the compared outputs; null when unknown */
  readonly ratio: number | null;
  readonly pass: boolean;
  /** a failure to run (no numbers at all) */
  readonly error: string | null;
  readonly detail: string;
}

/** Green (far inside the tolerance) through yellow (at it) to red (beyond), on a log scale of the ratio. */
export function heatColour(cell: HeatCell): string {
  if (cell.error !== null) return '#bdbdbd';
  if (!cell.pass || (cell.ratio !== null && cell.ratio > 1)) return '#d73027';
  if (cell.ratio === null) return '#91cf60';
  const t = Math.min(1, Math.max(0, (Math.log10(Math.max(cell.ratio, 1e-6)) + 6) / 6)); // 1e-6 -> 0, 1 -> 1
  const hue = 120 - 70 * t; // 120 green ... 50 yellow
  return `hsl(${px(hue)}, 65%, ${px(42 + 14 * t)}%)`;
}

/** A heat table: one row per backend, one column per fixture, each cell coloured by error/tolerance. */
export function accuracyHeat(
  id: string,
  title: string,
  backends: readonly string[],
  fixtures: readonly string[],
  cell: (backend: string, fixture: string) => HeatCell | undefined,
): string {
  if (backends.length === 0 || fixtures.length === 0)
    return svgRoot(id, 520, 80, title, '<text x="260" y="55" text-anchor="middle">no data</text>');
  const left = 20 + Math.max(...backends.map((b) => b.length)) * 7;
  const labelRun = Math.min(230, Math.max(...fixtures.map((f) => f.length)) * 6.2) * Math.SQRT1_2; // rotated 45°
  const top = 40 + labelRun;
  const cw = 54;
  const ch = 26;
  const note =
    'cell: worst error / tolerance over the loss terms and gradients (≤ 1 passes; docs/FIXTURES.md tolerances)';
  const width = Math.max(left + fixtures.length * cw + labelRun + 10, left + note.length * 6.2 + 10);
  const height = top + backends.length * ch + 46;
  const heads = fixtures
    .map(
      (f, j) =>
        `<text transform="translate(${px(left + j * cw + cw / 2)} ${top - 6}) rotate(-45)" font-size="11">${esc(f)}</text>`,
    )
    .join('');
  const rows = backends
    .map((b, i) => {
      const cells = fixtures
        .map((f, j) => {
          const c = cell(b, f);
          const x = left + j * cw;
          const y = top + i * ch;
          if (!c)
            return `<rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="#f3f3f3"><title>${esc(`${b} / ${f}: not run`)}</title></rect>`;
          const text =
            c.error !== null
              ? 'no result'
              : c.ratio === null
                ? c.pass
                  ? 'pass'
                  : 'FAIL'
                : c.ratio < 0.001
                  ? '<0.001'
                  : c.ratio.toPrecision(2);
          return (
            `<g class="cell" data-fixture="${esc(f)}" data-pass="${c.pass}"><rect x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${heatColour(c)}"><title>${esc(c.detail)}</title></rect>` +
            `<text x="${x + (cw - 2) / 2}" y="${y + ch / 2 + 3}" text-anchor="middle" font-size="10" fill="#111">${esc(text)}</text></g>`
          );
        })
        .join('');
      return `<g class="series" data-series="${esc(b)}"><text x="${left - 8}" y="${top + i * ch + ch / 2 + 3}" text-anchor="end">${esc(b)}</text>${cells}</g>`;
    })
    .join('');
  const caption = `<text x="${left}" y="${height - 18}" font-size="11" fill="#444">${esc(note)}</text>`;
  return svgRoot(id, Math.round(width), Math.round(height), title, heads + rows + caption);
}
