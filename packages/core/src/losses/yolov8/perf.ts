import type { Feeds } from '../../backend/contract.js';
import { fail } from '../../errors.js';
import { packTargets } from '../pack-targets.js';
import {
  checkPerfShape,
  configNumber,
  f32,
  fillNormal,
  type PerfProblemDescription,
  perfInt,
  perfRandom,
  randomPixelTruths,
} from '../perf-problem.js';
import { yoloAnchors } from './anchors.js';
import { yolov8LossProgram } from './program.js';

/**
 * The YOLOv8 timing problem (for `bench perf --loss yolov8`, beside tools/reference/time_loss.py --loss yolov8, which draws
 * the same distribution with numpy): the anchors of a square image on Ultralytics' three levels (strides 8, 16,
 * 32: on 640², 80² + 40² + 20² = 8400 anchors), the default reg_max 16, and 2-4 objects per image. The
 * defaults are Ultralytics' training shape: 640², 80 classes, batch 16.
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
  checkPerfShape(batch, classes);
  if (!(Number.isInteger(imageSize) && imageSize >= 32 && imageSize % 32 === 0))
    throw new RangeError(`imageSize must be a positive multiple of 32, got ${imageSize}`);
  const { anchor_points, stride_tensor } = yoloAnchors({ imageSize });
  const A = yolov8PerfAnchorCount(imageSize);
  const random = perfRandom(seed, batch, classes, imageSize);
  const { targets, num_objs } = packTargets(
    Array.from({ length: batch }, () => randomPixelTruths(classes, imageSize, random)),
    MAX_OBJECTS,
  );
  return {
    pred_distri: f32([batch, A, 4 * REG_MAX], fillNormal(new Float32Array(batch * A * 4 * REG_MAX), 0, 1, random)),
    pred_scores: f32([batch, A, classes], fillNormal(new Float32Array(batch * A * classes), -4, 2, random)),
    anchor_points,
    stride_tensor,
    targets,
    num_objs,
  };
}

export interface Yolov8PerfProblem {
  readonly loss: 'yolov8';
  readonly classes: number;
  /** side of the square image in pixels, a multiple of 32 */
  readonly image_size: number;
}

/**
 * Ultralytics' YOLOv8 loss at its training shape (640², A = 8400, 80 classes, batch 16), beside the float32
 * torch run of tools/reference's independent port (lossgraph_ref/losses/yolov8/reference.py, timed by time_loss.py --loss yolov8).
 */
export const YOLOV8_PERF: PerfProblemDescription<Yolov8PerfProblem> = {
  defaults: { batches: [16], problem: { loss: 'yolov8', classes: 80, image_size: 640 } },
  flags: [{ flag: 'image-size', help: 'N, a multiple of 32 (default 640)' }],
  parse(f) {
    const imageSize = perfInt('image-size', f['image-size'] ?? '640', 32);
    if (imageSize % 32 !== 0)
      fail('INVALID_OPTION', `--image-size must be a multiple of 32 (the coarsest stride), got '${f['image-size']}'`);
    return { loss: 'yolov8', classes: perfInt('classes', f.classes ?? '80'), image_size: imageSize };
  },
  fromConfig: (config) => ({
    loss: 'yolov8',
    classes: Number(config.classes),
    image_size: configNumber(config, 'image_size', 640),
  }),
  program: (_problem, gradients) => yolov8LossProgram({ gradients }),
  feeds: (problem, batch) => syntheticYolov8Feeds({ batch, classes: problem.classes, imageSize: problem.image_size }),
  boxCount: (problem) => yolov8PerfAnchorCount(problem.image_size),
  title: (problem, boxes) =>
    `YOLOv8 loss (reg_max 16), ${problem.image_size}² image (${boxes} anchors), ${problem.classes} classes`,
  original: {
    script: 'tools/reference/time_loss.py',
    args: ['--loss', 'yolov8'],
    modules: ['torch'],
    what: 'the YOLOv8 loss on torch (float32, tools/reference/lossgraph_ref/losses/yolov8/reference.py)',
  },
};
