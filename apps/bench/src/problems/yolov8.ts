import { type Feeds, type HostTensor, packTargets, yoloAnchors, yolov8LossProgram } from '@lossgraph/core';
import { seededRandom } from '@lossgraph/core/testing';
import { UsageError } from '../args.js';
import type { PerfProblemEntry } from './entry.js';
import { fillNormal, randomTruths } from './random-feeds.js';
import { positiveInt } from './sizes.js';

/**
 * The YOLOv8 timing problem (for `bench perf --loss yolov8`): the anchors of a square image on Ultralytics'
 * three levels (strides 8, 16, 32: on 640², 80² + 40² + 20² = 8400 anchors), the default reg_max 16, and
 * 2-4 objects per image. The defaults are Ultralytics' training shape: 640², 80 classes, batch 16.
 */
export interface Yolov8Shape {
  readonly batch: number;
  readonly classes: number;
  /** image side in pixels, a multiple of 32. Default 640. */
  readonly imageSize?: number;
}

export const YOLOV8_PERF_SHAPE = { batch: 16, classes: 80, imageSize: 640 } as const;

const REG_MAX = 16;
/** Truth rows per image are padded to this many (the synthetic images hold 2 to 4 objects). */
const MAX_OBJECTS = 4;

/** Anchors per image of the timing problem for a square image of `imageSize` pixels. */
export function yolov8PerfAnchorCount(imageSize: number = YOLOV8_PERF_SHAPE.imageSize): number {
  return [8, 16, 32].reduce((n, s) => n + (imageSize / s) ** 2, 0);
}

/**
 * Synthetic YOLOv8-loss inputs for timing: pred_distri ~ N(0, 1²), pred_scores ~ N(-4, 2²) (leaning to
 * background, as a trained head), the anchors above. Deterministic for a given shape and seed. Feed them to
 * `yolov8LossProgram()` (Ultralytics' defaults).
 */
export function syntheticYolov8Feeds(shape: Yolov8Shape, seed = 0): Feeds {
  const { batch, classes } = shape;
  const imageSize: number = shape.imageSize ?? YOLOV8_PERF_SHAPE.imageSize;
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  if (!(Number.isInteger(classes) && classes >= 1))
    throw new RangeError(`classes must be a positive integer, got ${classes}`);
  if (!(Number.isInteger(imageSize) && imageSize >= 32 && imageSize % 32 === 0))
    throw new RangeError(`imageSize must be a positive multiple of 32, got ${imageSize}`);
  const { anchor_points, stride_tensor } = yoloAnchors({ imageSize });
  const A = yolov8PerfAnchorCount(imageSize);
  const random = seededRandom(seed * 7919 + batch * 31 + classes + imageSize);
  const { targets, num_objs } = packTargets(
    Array.from({ length: batch }, () => randomTruths(classes, imageSize, random)),
    MAX_OBJECTS,
  );
  const f32 = (dims: number[], data: Float32Array): HostTensor => ({ dtype: 'float32', shape: dims, data });
  return {
    pred_distri: f32([batch, A, 4 * REG_MAX], fillNormal(new Float32Array(batch * A * 4 * REG_MAX), 0, 1, random)),
    pred_scores: f32([batch, A, classes], fillNormal(new Float32Array(batch * A * classes), -4, 2, random)),
    anchor_points,
    stride_tensor,
    targets,
    num_objs,
  };
}

export interface Yolov8Problem {
  readonly loss: 'yolov8';
  readonly classes: number;
  /** side of the square image in pixels, a multiple of 32 */
  readonly image_size: number;
}

/** Ultralytics' YOLOv8 loss at its training shape (640², A = 8400, 80 classes, batch 16); no PyTorch timer yet. */
export const YOLOV8_PERF: PerfProblemEntry<Yolov8Problem> = {
  defaults: { batches: [16], problem: { loss: 'yolov8', classes: 80, image_size: 640 } },
  flags: ['image-size'],
  parse(f) {
    const imageSize = positiveInt('image-size', f['image-size'] ?? '640', 32);
    if (imageSize % 32 !== 0)
      throw new UsageError(`--image-size must be a multiple of 32 (the coarsest stride), got '${f['image-size']}'`);
    return { loss: 'yolov8', classes: positiveInt('classes', f.classes ?? '80'), image_size: imageSize };
  },
  fromConfig: (config) => ({ loss: 'yolov8', classes: config.classes, image_size: config.image_size ?? 640 }),
  program: (_problem, gradients) => yolov8LossProgram({ gradients }),
  feeds: (problem, batch) => syntheticYolov8Feeds({ batch, classes: problem.classes, imageSize: problem.image_size }),
  boxCount: (problem) => yolov8PerfAnchorCount(problem.image_size),
  title: (problem, boxes) =>
    `YOLOv8 loss (reg_max 16), ${problem.image_size}² image (${boxes} anchors), ${problem.classes} classes`,
  original: null,
};
