import { IMAGE_SIZE, SHAPES, TINY_SSD } from '@lossgraph-examples/tiny-ssd/config';
import type { ShapesImage } from '@lossgraph-examples/tiny-ssd/dataset';
import type { BoxStory } from './explanation.js';
import { PLACES, pointForm } from './layout.js';

/** Canvas pixels per image pixel. */
export const SCALE = 8;
export const SIDE = IMAGE_SIZE * SCALE;

/** How a box is drawn: each role has its own line pattern and letter, so colour is never the only cue. */
const ROLE = {
  forced: { color: '#c92a2a', dash: [10, 4], width: 3, letter: 'F' },
  positive: { color: '#2b8a3e', dash: [], width: 3, letter: 'P' },
  mined: { color: '#5f3dc4', dash: [2, 3], width: 2, letter: 'N' },
  lowQuality: { color: '#c92a2a', dash: [10, 4], width: 3, letter: 'L' },
  ignored: { color: '#e67700', dash: [6, 3, 2, 3], width: 2, letter: 'I' },
  other: { color: 'rgba(73, 80, 87, 0.45)', dash: [], width: 1, letter: '' },
} as const;
export type Role = keyof typeof ROLE;

export function roleOf(b: BoxStory): Role {
  if (b.forced && b.positive) return 'forced';
  if (b.positive) return 'positive';
  return b.minedNegative ? 'mined' : 'other';
}

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2d canvas');
  return ctx;
}

/** The image, scaled up without smoothing, with its truths (thick white-and-black outline, labelled T0, T1, ...). */
export function drawImage(ctx: CanvasRenderingContext2D, image: ShapesImage, chosenTruth: number): void {
  const pixels = ctx.createImageData(IMAGE_SIZE, IMAGE_SIZE);
  image.pixels.forEach((v, i) => {
    pixels.data.fill(Math.round(255 * v), 4 * i, 4 * i + 3);
    pixels.data[4 * i + 3] = 255;
  });
  const small = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
  small.getContext('2d')?.putImageData(pixels, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, SIDE, SIDE);
  ctx.font = 'bold 13px system-ui';
  image.truths.forEach(([x0, y0, x1, y1, label], t) => {
    for (const [color, width] of [
      ['#000', t === chosenTruth ? 7 : 5],
      ['#fff', t === chosenTruth ? 3 : 2],
    ] as const) {
      ctx.setLineDash([]);
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.strokeRect(x0 * SIDE, y0 * SIDE, (x1 - x0) * SIDE, (y1 - y0) * SIDE);
    }
    const text = `T${t} ${SHAPES[label] ?? ''}`;
    ctx.fillStyle = '#000';
    ctx.fillRect(x0 * SIDE, Math.max(0, y0 * SIDE - 16), ctx.measureText(text).width + 6, 16);
    ctx.fillStyle = '#fff';
    ctx.fillText(text, x0 * SIDE + 3, Math.max(12, y0 * SIDE - 4));
  });
}

/**
 * The image with the default boxes of feature map `map`: positives solid (P), forced positives dashed (F),
 * mined negatives dotted (N), the rest thin grey.
 */
export function drawBoxes(
  canvas: HTMLCanvasElement,
  image: ShapesImage,
  roles: readonly Role[],
  map: number,
  chosenTruth: number,
): void {
  const ctx = context(canvas);
  canvas.width = canvas.height = SIDE;
  drawImage(ctx, image, chosenTruth);
  const onMap = roles.flatMap((role, index) => (PLACES[index]?.map === map ? [{ index, role }] : []));
  // the plain boxes first, so the marked ones are drawn on top
  const order: Role[] = ['other', 'ignored', 'mined', 'positive', 'lowQuality', 'forced'];
  ctx.font = 'bold 12px system-ui';
  for (const role of order) {
    const style = ROLE[role];
    for (const b of onMap.filter((x) => x.role === role)) {
      const [x0, y0, x1, y1] = pointForm(b.index).map((v) => v * SIDE) as [number, number, number, number];
      ctx.setLineDash([...style.dash]);
      ctx.lineWidth = style.width;
      ctx.strokeStyle = style.color;
      ctx.strokeRect(x0 + 1, y0 + 1, x1 - x0 - 2, y1 - y0 - 2);
      if (style.letter !== '') {
        const label = `${style.letter}${b.index}`;
        ctx.fillStyle = style.color;
        ctx.fillRect(x0 + 2, y1 - 16, ctx.measureText(label).width + 6, 14);
        ctx.fillStyle = '#fff';
        ctx.fillText(label, x0 + 5, y1 - 5);
      }
    }
  }
  ctx.setLineDash([]);
}

/** Grey level for an IoU in [0, 1]: white at 0, near-black at 1 (text switches to white above 0.5). */
function shade(v: number): string {
  const g = Math.round(255 - 215 * Math.min(1, Math.max(0, v)));
  return `rgb(${g}, ${g}, ${g})`;
}

/**
 * The IoU of every default box of feature map `map` with the chosen truth: one square per cell, split in
 * four (the cell's four boxes, in slot order: small, large, wide, tall), shaded by IoU, with the IoU
 * written in and the box's role letter (P, F, N) beside it.
 */
export function drawHeatMap(
  canvas: HTMLCanvasElement,
  boxes: readonly BoxStory[],
  overlaps: readonly number[],
  map: number,
): void {
  const size = TINY_SSD.featureMaps[map] ?? 1;
  const ctx = context(canvas);
  canvas.width = canvas.height = SIDE;
  ctx.clearRect(0, 0, SIDE, SIDE);
  const cell = SIDE / size;
  const half = cell / 2;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const b of boxes) {
    const place = PLACES[b.index];
    if (place?.map !== map) continue;
    const x = place.col * cell + (place.slot % 2) * half;
    const y = place.row * cell + Math.floor(place.slot / 2) * half;
    const v = overlaps[b.index] ?? 0;
    ctx.fillStyle = shade(v);
    ctx.fillRect(x, y, half, half);
    const role = roleOf(b);
    ctx.fillStyle = v > 0.5 ? '#fff' : '#000';
    ctx.font = `${Math.max(9, Math.min(14, half / 4))}px system-ui`;
    ctx.fillText(v.toFixed(2), x + half / 2, y + half / 2 - (role === 'other' ? 0 : 7));
    if (role !== 'other') {
      ctx.font = `bold ${Math.max(9, Math.min(14, half / 4))}px system-ui`;
      ctx.fillText(ROLE[role].letter, x + half / 2, y + half / 2 + 9);
      ctx.strokeStyle = ROLE[role].color;
      ctx.setLineDash([...ROLE[role].dash]);
      ctx.lineWidth = 3;
      ctx.strokeRect(x + 2.5, y + 2.5, half - 5, half - 5);
      ctx.setLineDash([]);
    }
  }
  // cell borders (the four boxes of a cell share a centre)
  ctx.strokeStyle = '#1d2430';
  ctx.lineWidth = 2;
  for (let i = 0; i <= size; i++) {
    ctx.beginPath();
    ctx.moveTo(i * cell, 0);
    ctx.lineTo(i * cell, SIDE);
    ctx.moveTo(0, i * cell);
    ctx.lineTo(SIDE, i * cell);
    ctx.stroke();
  }
}
