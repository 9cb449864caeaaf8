import { SHAPES } from '@lossgraph-examples/tiny-ssd/config';
import type { ShapesImage } from '@lossgraph-examples/tiny-ssd/dataset';
import { drawImage, SIDE } from './draw.js';
import { anchorCentre, anchorPlace, YOLO_IMAGE, YOLO_LEVELS, type YoloExplanation } from './yolov8.js';

/** Canvas units per pixel of the YOLO image (the canvases draw in SIDE units at twice the resolution). */
const UNIT = SIDE / YOLO_IMAGE;
const fmt = (v: number) => v.toFixed(4);
const f6 = (v: number) => v.toFixed(6);

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2d canvas');
  canvas.width = canvas.height = 2 * SIDE;
  ctx.scale(2, 2);
  return ctx;
}

/** How an anchor is marked for a chosen truth: P its positive, X claimed by several truths, Tn another's. */
export function yoloMark(e: YoloExplanation, a: number, truth: number): string {
  if (e.contested.includes(a) && (e.candidates[truth]?.[a] ?? false)) return 'X';
  if (e.fgMask[a] !== 1) return '';
  return e.targetGtIdx[a] === truth ? 'P' : `T${e.targetGtIdx[a]}`;
}

/** The largest alignment metric with `truth` on one level (the heat map's darkest shade). */
export function levelTop(e: YoloExplanation, level: number, truth: number): number {
  const { size, start } = YOLO_LEVELS[level] ?? YOLO_LEVELS[0]!;
  return Math.max(1e-30, ...(e.align[truth] ?? []).slice(start, start + size * size));
}

/** The level holding the largest alignment metric with `truth` (where its candidates are). */
export function bestLevel(e: YoloExplanation, truth: number): number {
  const align = e.align[truth] ?? [];
  const best = align.indexOf(Math.max(...align));
  return Math.max(
    0,
    YOLO_LEVELS.findLastIndex((l) => l.start <= best),
  );
}

/**
 * The alignment metric t of every anchor of one level with the chosen truth, as a heat map over the
 * image: darker for larger t (relative to the level's largest t, written in the caption), in-box anchors
 * hatched, top-k candidates outlined, and the letter of the anchor's outcome (P, X, Tn).
 */
export function drawAlignment(
  canvas: HTMLCanvasElement,
  image: ShapesImage,
  e: YoloExplanation,
  level: number,
  truth: number,
): void {
  const ctx = context(canvas);
  ctx.globalAlpha = 0.35;
  drawImage(ctx, image, truth);
  ctx.globalAlpha = 1;
  const { stride, size, start } = YOLO_LEVELS[level] ?? YOLO_LEVELS[0]!;
  const cell = stride * UNIT;
  const align = e.align[truth] ?? [];
  const top = levelTop(e, level, truth);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = `bold ${Math.min(12, cell / 2)}px system-ui`;
  for (let a = start; a < start + size * size; a++) {
    const x = ((a - start) % size) * cell;
    const y = Math.floor((a - start) / size) * cell;
    const t = (align[a] ?? 0) / top;
    if (t > 0) {
      const g = Math.round(255 - 215 * t);
      ctx.fillStyle = `rgba(${g}, ${g}, ${g}, 0.9)`;
      ctx.fillRect(x, y, cell, cell);
    }
    if (e.inBox[truth]?.[a]) {
      ctx.strokeStyle = t > 0.5 ? '#fff' : '#1d2430';
      ctx.lineWidth = 0.75;
      ctx.beginPath();
      ctx.moveTo(x, y + cell);
      ctx.lineTo(x + cell, y);
      ctx.stroke();
    }
    if (e.candidates[truth]?.[a]) {
      ctx.setLineDash([]);
      ctx.strokeStyle = '#c92a2a';
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1.5, y + 1.5, cell - 3, cell - 3);
    }
    const mark = yoloMark(e, a, truth);
    if (mark !== '') {
      ctx.fillStyle = t > 0.5 ? '#fff' : '#000';
      ctx.fillText(mark, x + cell / 2, y + cell / 2);
    }
  }
  ctx.strokeStyle = 'rgba(29, 36, 48, 0.3)';
  ctx.lineWidth = 0.5;
  for (let i = 0; i <= size; i++) {
    ctx.beginPath();
    ctx.moveTo(i * cell, 0);
    ctx.lineTo(i * cell, SIDE);
    ctx.moveTo(0, i * cell);
    ctx.lineTo(SIDE, i * cell);
    ctx.stroke();
  }
}

/**
 * The final assignment on the image: every positive anchor's cell (all levels), solid and labelled with
 * its truth (P0, P1, ...), or dashed and X0, X1, ... where several truths claimed it.
 */
export function drawAssignment(canvas: HTMLCanvasElement, image: ShapesImage, e: YoloExplanation, truth: number): void {
  const ctx = context(canvas);
  drawImage(ctx, image, truth);
  ctx.font = 'bold 9px system-ui';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  e.fgMask.forEach((m, a) => {
    if (m !== 1) return;
    const { stride, x, y } = anchorCentre(a);
    const half = (stride / 2) * UNIT;
    const contested = e.contested.includes(a);
    ctx.setLineDash(contested ? [5, 3] : []);
    ctx.strokeStyle = contested ? '#c92a2a' : '#2b8a3e';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x * UNIT - half + 1, y * UNIT - half + 1, 2 * half - 2, 2 * half - 2);
    const label = `${contested ? 'X' : 'P'}${e.targetGtIdx[a]}`;
    const w = ctx.measureText(label).width + 4;
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillRect(x * UNIT - w / 2, y * UNIT - 6, w, 12);
    ctx.fillStyle = '#fff';
    ctx.fillText(label, x * UNIT, y * UNIT);
  });
  ctx.setLineDash([]);
}

function row(cells: readonly (string | number)[], className?: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  if (className !== undefined) tr.className = className;
  for (const c of cells) tr.insertCell().textContent = String(c);
  return tr;
}

/** Per truth: its in-box anchors, its top-k candidates, the positives it kept and its largest t. */
export function yoloTruthRows(body: HTMLElement, e: YoloExplanation, truths: ShapesImage['truths']): void {
  const count = (xs: readonly boolean[] | undefined) => (xs ?? []).filter(Boolean).length;
  body.replaceChildren(
    ...truths.map(([x0, y0, x1, y1, label], t) =>
      row([
        `T${t} ${SHAPES[label] ?? ''}`,
        [x0, y0, x1, y1].map((v) => (v * YOLO_IMAGE).toFixed(0)).join(' '),
        count(e.inBox[t]),
        count(e.candidates[t]),
        e.fgMask.filter((m, a) => m === 1 && e.targetGtIdx[a] === t).length,
        Math.max(0, ...(e.align[t] ?? [])).toExponential(3),
      ]),
    ),
  );
}

/** One row per positive anchor (and per contested one): its truth, t, soft target and three terms. */
export function yoloAnchorRows(body: HTMLElement, e: YoloExplanation): void {
  const shown = e.fgMask.flatMap((m, a) => (m === 1 || e.contested.includes(a) ? [a] : []));
  const sum = (xs: readonly number[]) => shown.reduce((s, a) => s + (xs[a] ?? 0), 0);
  body.replaceChildren(
    ...shown.map((a) => {
      const contested = e.contested.includes(a);
      const by = e.candidates.flatMap((c, t) => (c[a] ? [`T${t}`] : [])).join(', ');
      const gt = e.targetGtIdx[a] ?? 0;
      return row(
        [
          `${contested ? 'X' : 'P'}${a}`,
          anchorPlace(a),
          by,
          e.fgMask[a] === 1 ? `T${gt}${contested ? ' (highest IoU)' : ''}` : 'none',
          (e.align[gt]?.[a] ?? 0).toExponential(3),
          fmt(e.softTarget[a] ?? 0),
          f6(e.box[a] ?? 0),
          f6(e.dfl[a] ?? 0),
        ],
        contested ? 'forced' : 'positive',
      );
    }),
    row(['Σ', '', '', '', '', fmt(sum(e.softTarget)), f6(sum(e.box)), f6(sum(e.dfl))], 'sum'),
  );
}
