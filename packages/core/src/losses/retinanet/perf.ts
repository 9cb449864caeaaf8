import type { Feeds } from '../../backend/contract.js';
import { anchorGrid } from '../../boxes/anchors.js';
import { fail } from '../../errors.js';
import { packTargets } from '../pack-targets.js';
import {
  checkPerfShape,
  configNumber,
  configString,
  f32,
  fillNormal,
  type PerfProblemDescription,
  perfInt,
  perfRandom,
  randomPixelTruths,
} from '../perf-problem.js';
import { retinanetAnchorSizes } from './anchor-sizes.js';
import { RETINANET_BOX_LOSSES, type RetinanetBoxLoss } from './options.js';
import { retinanetLossProgram } from './program.js';

/**
 * The RetinaNet timing problem (for `bench perf`, beside tools/reference/time_loss.py --loss retinanet,
 * which draws the same distribution with numpy): torchvision's default RetinaNet anchors, 9 per location
 * (sizes x, x 2^(1/3), x 2^(2/3) for x = 32 ... 512; aspect ratios 0.5, 1, 2) on the 5-level pyramid of
 * a square image (strides 8 ... 128: on 512², 64² + 32² + 16² + 8² + 4² locations, 49104 anchors).
 */
export interface RetinanetShape {
  readonly batch: number;
  readonly classes: number;
  /** image side in pixels, a multiple of 128. Default 512. */
  readonly imageSize?: number;
}

export const RETINANET_PERF_SHAPE = { batch: 8, classes: 80, imageSize: 512 } as const;

/** Truth rows per image are padded to this many (the synthetic images hold 2 to 4 objects). */
const MAX_OBJECTS = 4;
const STRIDES = [8, 16, 32, 64, 128] as const;

/** The anchors of the timing problem for a square image of `imageSize` pixels: [A * 4], (x1, y1, x2, y2). */
export function retinanetPerfAnchors(imageSize: number = RETINANET_PERF_SHAPE.imageSize): Float32Array {
  if (!(Number.isInteger(imageSize) && imageSize >= 128 && imageSize % 128 === 0))
    throw new RangeError(`imageSize must be a positive multiple of 128, got ${imageSize}`);
  return anchorGrid({
    imageSize,
    featureSizes: STRIDES.map((s) => imageSize / s),
    sizes: retinanetAnchorSizes([32, 64, 128, 256, 512]),
  });
}

/**
 * Synthetic RetinaNet-loss inputs for timing: the anchors above, 2-4 objects per image, cls_logits ~
 * N(-2, 2²) (leaning to background, as a trained head), bbox_regression ~ N(0, 0.2²). Deterministic for
 * a given shape and seed. Feed them to `retinanetLossProgram()` (torchvision's defaults: l1 box loss).
 */
export function syntheticRetinanetFeeds(shape: RetinanetShape, seed = 0): Feeds {
  const { batch, classes } = shape;
  const imageSize: number = shape.imageSize ?? RETINANET_PERF_SHAPE.imageSize;
  checkPerfShape(batch, classes);
  const anchors = retinanetPerfAnchors(imageSize);
  const A = anchors.length / 4;
  const random = perfRandom(seed, batch, classes, imageSize);
  const { targets, num_objs } = packTargets(
    Array.from({ length: batch }, () => randomPixelTruths(classes, imageSize, random)),
    MAX_OBJECTS,
  );
  return {
    cls_logits: f32([batch, A, classes], fillNormal(new Float32Array(batch * A * classes), -2, 2, random)),
    bbox_regression: f32([batch, A, 4], fillNormal(new Float32Array(batch * A * 4), 0, 0.2, random)),
    anchors: f32([A, 4], anchors),
    targets,
    num_objs,
  };
}

export interface RetinanetPerfProblem {
  readonly loss: 'retinanet';
  readonly classes: number;
  /** side of the square image in pixels, a multiple of 128 */
  readonly image_size: number;
  readonly box_loss: RetinanetBoxLoss;
}

/**
 * torchvision's RetinaNet loss on the anchors of a square image, beside torchvision's own
 * `RetinaNet.compute_loss` (tools/reference/time_loss.py --loss retinanet, which times it at 512², 80 classes, batch 8).
 */
export const RETINANET_PERF: PerfProblemDescription<RetinanetPerfProblem> = {
  defaults: { batches: [8], problem: { loss: 'retinanet', classes: 80, image_size: 512, box_loss: 'l1' } },
  flags: [
    { flag: 'image-size', help: 'N, a multiple of 128 (default 512)' },
    { flag: 'box-loss', help: `${RETINANET_BOX_LOSSES.join('|')} (default l1)` },
  ],
  parse(f) {
    const imageSize = perfInt('image-size', f['image-size'] ?? '512', 128);
    if (imageSize % 128 !== 0)
      fail(
        'INVALID_OPTION',
        `--image-size must be a multiple of 128 (the pyramid's coarsest stride), got '${f['image-size']}'`,
      );
    const boxLoss = f['box-loss'] ?? 'l1';
    if (!RETINANET_BOX_LOSSES.includes(boxLoss as RetinanetBoxLoss))
      fail('INVALID_OPTION', `--box-loss must be one of ${RETINANET_BOX_LOSSES.join(', ')}, got '${boxLoss}'`);
    return {
      loss: 'retinanet',
      classes: perfInt('classes', f.classes ?? '80'),
      image_size: imageSize,
      box_loss: boxLoss as RetinanetBoxLoss,
    };
  },
  fromConfig: (config) => ({
    loss: 'retinanet',
    classes: Number(config.classes),
    image_size: configNumber(config, 'image_size', 512),
    box_loss: configString<RetinanetBoxLoss>(config, 'box_loss', 'l1'),
  }),
  program: (problem, gradients) => retinanetLossProgram({ gradients, boxLoss: problem.box_loss }),
  feeds: (problem, batch) =>
    syntheticRetinanetFeeds({ batch, classes: problem.classes, imageSize: problem.image_size }),
  boxCount: (problem) => retinanetPerfAnchors(problem.image_size).length / 4,
  title: (problem, boxes) =>
    `RetinaNet loss (${problem.box_loss} box loss), ${problem.image_size}² image (${boxes} anchors), ${problem.classes} classes`,
  original: {
    script: 'tools/reference/time_loss.py',
    args: ['--loss', 'retinanet'],
    modules: ['torch', 'torchvision'],
    what: "torchvision's RetinaNet.compute_loss",
  },
};
