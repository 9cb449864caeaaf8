/**
 * What `bench perf` times: the MultiBoxLoss on a default-box preset (beside the seed's PyTorch loss,
 * tools/reference/time_original.py), or torchvision's RetinaNet loss on the anchors of a square image
 * (beside torchvision's own `RetinaNet.compute_loss`, tools/reference/time_retinanet.py). A worker
 * builds the program and the inputs from a problem; the PyTorch timer receives the same fields.
 */
import {
  defaultBoxes,
  type Feeds,
  type LossProgram,
  multiboxLossProgram,
  type RetinanetBoxLoss,
  retinanetLossProgram,
} from '@lossgraph/core';
import { retinanetPerfAnchors, syntheticRetinanetFeeds } from '../problems/retinanet.js';
import { PRIOR_PRESETS, type PriorPreset, syntheticFeeds } from './synthetic.js';

export const PERF_LOSSES = ['multibox', 'retinanet'] as const;
export type PerfLoss = (typeof PERF_LOSSES)[number];

export interface MultiboxProblem {
  readonly loss: 'multibox';
  readonly classes: number;
  readonly priors: PriorPreset;
}

export interface RetinanetProblem {
  readonly loss: 'retinanet';
  readonly classes: number;
  /** side of the square image in pixels, a multiple of 128 */
  readonly image_size: number;
  readonly box_loss: RetinanetBoxLoss;
}

export type PerfProblem = MultiboxProblem | RetinanetProblem;

/**
 * The defaults of each loss: the MultiBoxLoss on SSD300 (the shape the speed targets are set at), the RetinaNet
 * loss at 512², 80 classes, batch 8 (the shape `tools/reference/time_retinanet.py` times torchvision at).
 */
export const PROBLEM_DEFAULTS = {
  multibox: { batches: [1, 8, 32], problem: { loss: 'multibox', classes: 21, priors: 'ssd300' } },
  retinanet: { batches: [8], problem: { loss: 'retinanet', classes: 80, image_size: 512, box_loss: 'l1' } },
} as const satisfies Record<PerfLoss, { batches: readonly number[]; problem: PerfProblem }>;

/** The program a worker compiles: forward only, or with the gradients (forward+backward). */
export function perfProgram(problem: PerfProblem, gradients: boolean): LossProgram {
  return problem.loss === 'multibox'
    ? multiboxLossProgram({ gradients })
    : retinanetLossProgram({ gradients, boxLoss: problem.box_loss });
}

/** The synthetic inputs of one batch size (deterministic; checked once with the program's validation). */
export function perfFeeds(problem: PerfProblem, batch: number): Feeds {
  const feeds =
    problem.loss === 'multibox'
      ? syntheticFeeds({ batch, classes: problem.classes, priors: problem.priors })
      : syntheticRetinanetFeeds({ batch, classes: problem.classes, imageSize: problem.image_size });
  perfProgram(problem, false).validateInputs?.(feeds);
  return feeds;
}

/** Default boxes (MultiBox) or anchors (RetinaNet) per image. */
export function boxCount(problem: PerfProblem): number {
  return (
    (problem.loss === 'multibox'
      ? defaultBoxes(PRIOR_PRESETS[problem.priors])
      : retinanetPerfAnchors(problem.image_size)
    ).length / 4
  );
}

/** e.g. "MultiBoxLoss, SSD300 (8732 default boxes), 21 classes" or "RetinaNet loss (l1 box loss), 512² image (49104 anchors), 80 classes". */
export function problemTitle(problem: PerfProblem, boxes: number = boxCount(problem)): string {
  return problem.loss === 'multibox'
    ? `MultiBoxLoss, ${problem.priors.toUpperCase()} (${boxes} default boxes), ${problem.classes} classes`
    : `RetinaNet loss (${problem.box_loss} box loss), ${problem.image_size}² image (${boxes} anchors), ${problem.classes} classes`;
}

/** The script that times the original of each loss (PyTorch side), and the modules it needs. */
export const ORIGINAL_TIMERS = {
  multibox: { script: 'tools/reference/time_original.py', modules: ['torch'], what: "the seed's PyTorch MultiBoxLoss" },
  retinanet: {
    script: 'tools/reference/time_retinanet.py',
    modules: ['torch', 'torchvision'],
    what: "torchvision's RetinaNet.compute_loss",
  },
} as const satisfies Record<PerfLoss, { script: string; modules: readonly string[]; what: string }>;
