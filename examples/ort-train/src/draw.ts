import { IMAGE_SIZE, SHAPES } from '@lossgraph-examples/tiny-ssd/config';
import type { ShapesImage } from '@lossgraph-examples/tiny-ssd/dataset';
import type { Detection } from './detections.js';

const SCALE = 6;
export const TRUTH_COLOR = '#1c7ed6';
export const PREDICTION_COLOR = '#f76707';

function strokeBox(ctx: CanvasRenderingContext2D, [x0, y0, x1, y1]: readonly number[], color: string): void {
  const px = (v: number | undefined) => (v ?? 0) * IMAGE_SIZE * SCALE;
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.strokeRect(px(x0), px(y0), px(x1) - px(x0), px(y1) - px(y0));
}

/**
 * One canvas per image: the grayscale pixels, the truth boxes (blue) and the predicted boxes (orange,
 * labelled with class and score). Returns how many boxes it drew.
 */
export function drawDetections(
  container: HTMLElement,
  images: readonly ShapesImage[],
  detections: readonly (readonly Detection[])[],
): number {
  let boxes = 0;
  const figures = images.map((image, i) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = IMAGE_SIZE * SCALE;
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2d canvas context');
    const pixels = ctx.createImageData(IMAGE_SIZE, IMAGE_SIZE);
    for (const [k, v] of image.pixels.entries()) {
      const g = Math.round(255 * v);
      pixels.data.set([g, g, g, 255], 4 * k);
    }
    const small = document.createElement('canvas');
    small.width = small.height = IMAGE_SIZE;
    small.getContext('2d')?.putImageData(pixels, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    for (const [x0, y0, x1, y1] of image.truths) {
      strokeBox(ctx, [x0, y0, x1, y1], TRUTH_COLOR);
      boxes++;
    }
    ctx.font = '11px system-ui';
    for (const d of detections[i] ?? []) {
      strokeBox(ctx, d.box, PREDICTION_COLOR);
      ctx.fillStyle = PREDICTION_COLOR;
      ctx.fillText(
        `${d.name} ${d.score.toFixed(2)}`,
        Math.max(0, d.box[0]) * canvas.width + 2,
        Math.max(10, d.box[1] * canvas.height - 2),
      );
      boxes++;
    }
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = image.truths.map((t) => SHAPES[t[4]] ?? '?').join(', ');
    figure.append(canvas, caption);
    return figure;
  });
  container.replaceChildren(...figures);
  return boxes;
}
