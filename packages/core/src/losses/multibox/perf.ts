import type { Feeds } from '../../backend/contract.js';
import { defaultBoxes, SSD300, SSD512 } from '../../boxes/default-boxes.js';
import { fail } from '../../errors.js';
import { packTargets, type TruthRow } from '../pack-targets.js';
import {
  checkPerfShape,
  configString,
  f32,
  fillNormal,
  type PerfProblemDescription,
  perfInt,
  perfRandom,
} from '../perf-problem.js';
import { multiboxLossProgram } from './program.js';

/** Default-box layouts the timing problem knows, by command-line name. */
export const PRIOR_PRESETS = { ssd300: SSD300, ssd512: SSD512 } as const;
export type PriorPreset = keyof typeof PRIOR_PRESETS;

export interface MultiboxPerfShape {
  readonly batch: number;
  readonly classes: number;
  readonly priors: PriorPreset;
}

/** Truth rows per image are padded to this many (the synthetic images hold 2 to 4 objects). */
const MAX_OBJECTS = 4;

/** One image's truths, as tools/reference draws them: 2-4 boxes with sides in [0.05, 0.6] inside [0, 1]. */
function randomTruths(classes: number, random: () => number): TruthRow[] {
  const count = 2 + Math.floor(random() * 3);
  const rows: TruthRow[] = [];
  for (let k = 0; k < count; k++) {
    const w = 0.05 + random() * 0.55;
    const h = 0.05 + random() * 0.55;
    const x0 = random() * (1 - w);
    const y0 = random() * (1 - h);
    rows.push([x0, y0, x0 + w, y0 + h, Math.floor(random() * (classes - 1))]);
  }
  return rows;
}

/**
 * Synthetic MultiBoxLoss inputs for timing, with the same distribution as tools/reference's
 * time_loss.py --loss multibox: about 3 objects per image, loc_data ~ N(0, 1), conf_data ~ N(0, 2²), the preset's
 * default boxes. Deterministic for a given shape and seed.
 */
export function syntheticMultiboxFeeds(shape: MultiboxPerfShape, seed = 0): Feeds {
  const { batch, classes } = shape;
  checkPerfShape(batch, classes, 2);
  const random = perfRandom(seed, batch, classes);
  const dbox = defaultBoxes(PRIOR_PRESETS[shape.priors]);
  const P = dbox.length / 4;
  const truths = Array.from({ length: batch }, () => randomTruths(classes, random));
  const { targets, num_objs } = packTargets(truths, MAX_OBJECTS);
  return {
    loc_data: f32([batch, P, 4], fillNormal(new Float32Array(batch * P * 4), 0, 1, random)),
    conf_data: f32([batch, P, classes], fillNormal(new Float32Array(batch * P * classes), 0, 2, random)),
    dbox_list: f32([P, 4], dbox),
    targets,
    num_objs,
  };
}

export interface MultiboxPerfProblem {
  readonly loss: 'multibox';
  readonly classes: number;
  readonly priors: PriorPreset;
}

/** The MultiBoxLoss on a default-box preset, beside the seed's PyTorch loss (tools/reference/time_loss.py --loss multibox). */
export const MULTIBOX_PERF: PerfProblemDescription<MultiboxPerfProblem> = {
  // SSD300: the shape the speed targets are set at
  defaults: { batches: [1, 8, 32], problem: { loss: 'multibox', classes: 21, priors: 'ssd300' } },
  flags: [{ flag: 'priors', help: `${Object.keys(PRIOR_PRESETS).join('|')} (default ssd300)` }],
  parse(f) {
    const priors = f.priors ?? 'ssd300';
    if (!(priors in PRIOR_PRESETS))
      fail('INVALID_OPTION', `--priors must be one of ${Object.keys(PRIOR_PRESETS).join(', ')}, got '${priors}'`);
    return { loss: 'multibox', classes: perfInt('classes', f.classes ?? '21', 2), priors: priors as PriorPreset };
  },
  fromConfig: (config) => ({
    loss: 'multibox',
    classes: Number(config.classes),
    priors: configString<PriorPreset>(config, 'priors', 'ssd300'),
  }),
  program: (_problem, gradients) => multiboxLossProgram({ gradients }),
  feeds: (problem, batch) => syntheticMultiboxFeeds({ batch, classes: problem.classes, priors: problem.priors }),
  boxCount: (problem) => defaultBoxes(PRIOR_PRESETS[problem.priors]).length / 4,
  title: (problem, boxes) =>
    `MultiBoxLoss, ${problem.priors.toUpperCase()} (${boxes} default boxes), ${problem.classes} classes`,
  original: {
    script: 'tools/reference/time_loss.py',
    args: ['--loss', 'multibox'],
    modules: ['torch'],
    what: "the seed's PyTorch MultiBoxLoss",
  },
};
