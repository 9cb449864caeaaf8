import { defaultBoxes, multiboxLossProgram } from '@lossgraph/core';
import { UsageError } from '../args.js';
import { PRIOR_PRESETS, type PriorPreset, syntheticFeeds } from '../perf/synthetic.js';
import type { PerfProblemEntry } from './entry.js';
import { positiveInt } from './sizes.js';

export interface MultiboxProblem {
  readonly loss: 'multibox';
  readonly classes: number;
  readonly priors: PriorPreset;
}

/** The MultiBoxLoss on a default-box preset, beside the seed's PyTorch loss (tools/reference/time_original.py). */
export const MULTIBOX_PERF: PerfProblemEntry<MultiboxProblem> = {
  // SSD300: the shape the speed targets are set at
  defaults: { batches: [1, 8, 32], problem: { loss: 'multibox', classes: 21, priors: 'ssd300' } },
  flags: ['priors'],
  parse(f) {
    const priors = f.priors ?? 'ssd300';
    if (!(priors in PRIOR_PRESETS))
      throw new UsageError(`--priors must be one of ${Object.keys(PRIOR_PRESETS).join(', ')}, got '${priors}'`);
    return { loss: 'multibox', classes: positiveInt('classes', f.classes ?? '21', 2), priors: priors as PriorPreset };
  },
  fromConfig: (config) => ({
    loss: 'multibox',
    classes: config.classes,
    priors: (config.priors ?? 'ssd300') as PriorPreset,
  }),
  program: (_problem, gradients) => multiboxLossProgram({ gradients }),
  feeds: (problem, batch) => syntheticFeeds({ batch, classes: problem.classes, priors: problem.priors }),
  boxCount: (problem) => defaultBoxes(PRIOR_PRESETS[problem.priors]).length / 4,
  title: (problem, boxes) =>
    `MultiBoxLoss, ${problem.priors.toUpperCase()} (${boxes} default boxes), ${problem.classes} classes`,
  original: { script: 'tools/reference/time_original.py', modules: ['torch'], what: "the seed's PyTorch MultiBoxLoss" },
};
