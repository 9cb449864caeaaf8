import { type HostTensor, packTargets, type TruthRow } from '@lossgraph/core';
import { IMAGE_SIZE, SHAPES } from './config.js';
import { seededRandom } from './random.js';

/** One synthetic image: pixels in [0, 1] (row-major, IMAGE_SIZE²) and its truths (normalised boxes, label). */
export interface ShapesImage {
  readonly pixels: Float32Array;
  readonly truths: readonly TruthRow[];
}

/** A batch ready for the detector and the loss. */
export interface ShapesBatch {
  readonly images: readonly ShapesImage[];
  /** [B, IMAGE_SIZE, IMAGE_SIZE, 1] */
  readonly pixels: HostTensor;
  /** [B, M, 5] and [B], as packTargets writes them */
  readonly targets: HostTensor;
  readonly num_objs: HostTensor;
}

/** Whether pixel (x, y) (centre, in pixels) lies inside the shape drawn in the box. */
function inside(
  shape: (typeof SHAPES)[number],
  x: number,
  y: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): boolean {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const u = (x - x0) / (x1 - x0);
  const v = (y - y0) / (y1 - y0);
  if (shape === 'square') return true;
  if (shape === 'circle') return (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
  return v >= Math.abs(2 * u - 1); // triangle, apex at the top
}

/** Draws one image: faint noise, then one or two filled shapes, each 9 to 20 pixels wide and high. */
function drawImage(r: () => number): ShapesImage {
  const pixels = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 0.1 * r();
  const truths: TruthRow[] = [];
  const count = 1 + Math.floor(r() * 2);
  for (let k = 0; k < count; k++) {
    const label = Math.floor(r() * SHAPES.length);
    const w = 9 + Math.floor(r() * 12);
    const h = SHAPES[label] === 'circle' ? w : 9 + Math.floor(r() * 12);
    const x0 = Math.floor(r() * (IMAGE_SIZE - w));
    const y0 = Math.floor(r() * (IMAGE_SIZE - h));
    const shade = 0.6 + 0.4 * r();
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        if (inside(SHAPES[label]!, x + 0.5, y + 0.5, x0, y0, x0 + w, y0 + h)) pixels[y * IMAGE_SIZE + x] = shade;
      }
    }
    truths.push([x0 / IMAGE_SIZE, y0 / IMAGE_SIZE, (x0 + w) / IMAGE_SIZE, (y0 + h) / IMAGE_SIZE, label]);
  }
  return { pixels, truths };
}

/** `count` images drawn from `seed`: the same seed gives the same data set everywhere. */
export function shapesDataset(count: number, seed = 1): ShapesImage[] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, () => drawImage(r));
}

/** Stacks images into the detector's input and packs their truths (M = 2, the most objects an image has). */
export function toBatch(images: readonly ShapesImage[]): ShapesBatch {
  const n = IMAGE_SIZE * IMAGE_SIZE;
  const data = new Float32Array(images.length * n);
  for (const [b, image] of images.entries()) data.set(image.pixels, b * n);
  const { targets, num_objs } = packTargets(
    images.map((image) => image.truths),
    2,
  );
  return {
    images,
    pixels: { dtype: 'float32', shape: [images.length, IMAGE_SIZE, IMAGE_SIZE, 1], data },
    targets,
    num_objs,
  };
}
