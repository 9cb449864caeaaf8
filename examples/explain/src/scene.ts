import { packTargets, type TruthRow } from '@lossgraph/core';
import type { Trainer } from '@lossgraph-examples/tiny-ssd';
import { IMAGE_SIZE, NUM_CLASSES } from '@lossgraph-examples/tiny-ssd/config';
import { type ShapesImage, toBatch } from '@lossgraph-examples/tiny-ssd/dataset';
import type { ExplainFeeds } from './explanation.js';
import { NUM_PRIORS, PRIORS } from './layout.js';

/** What the predictions come from: seeded random numbers, or the tiny SSD as trained so far in the page. */
export type PredictionSource = 'random' | 'tiny-ssd';

/** Mulberry32 and Box-Muller: seeded standard normals, so 'random' predictions are the same on every load. */
export function normals(count: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return Float32Array.from(
    { length: count },
    () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

/** Seeded random predictions for `P` boxes: offsets N(0, 0.5²), logits N(0, 1). */
export function randomPredictions(seed: number): Pick<ExplainFeeds, 'loc_data' | 'conf_data'> {
  return {
    loc_data: { dtype: 'float32', shape: [1, NUM_PRIORS, 4], data: normals(NUM_PRIORS * 4, seed).map((v) => 0.5 * v) },
    conf_data: {
      dtype: 'float32',
      shape: [1, NUM_PRIORS, NUM_CLASSES],
      data: normals(NUM_PRIORS * NUM_CLASSES, seed + 1),
    },
  };
}

/** The tiny SSD's predictions on one image (its current weights). */
export async function modelPredictions(
  trainer: Trainer,
  image: ShapesImage,
): Promise<Pick<ExplainFeeds, 'loc_data' | 'conf_data'>> {
  const { loc_data, conf_data } = await trainer.feeds(toBatch([image]));
  return { loc_data, conf_data };
}

/** The MultiBoxLoss feeds of one image: its predictions, the default boxes and its truths (M >= 1). */
export function lossFeeds(
  predictions: Pick<ExplainFeeds, 'loc_data' | 'conf_data'>,
  truths: readonly TruthRow[],
): ExplainFeeds {
  const { targets, num_objs } = packTargets([truths]);
  return {
    ...predictions,
    dbox_list: { dtype: 'float32', shape: [NUM_PRIORS, 4], data: PRIORS },
    targets,
    num_objs,
  };
}

/** A dropped picture as a 32×32 grayscale image in [0, 1], without truths (the user draws them). */
export async function imageFromFile(file: Blob): Promise<ShapesImage> {
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2d canvas');
  ctx.drawImage(bitmap, 0, 0, IMAGE_SIZE, IMAGE_SIZE);
  const { data } = ctx.getImageData(0, 0, IMAGE_SIZE, IMAGE_SIZE);
  const pixels = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let i = 0; i < pixels.length; i++)
    pixels[i] = (0.299 * data[4 * i]! + 0.587 * data[4 * i + 1]! + 0.114 * data[4 * i + 2]!) / 255;
  return { pixels, truths: [] };
}
