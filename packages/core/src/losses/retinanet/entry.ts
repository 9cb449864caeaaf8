import type { HostTensor } from '../../backend/contract.js';
import type { LossEntry } from '../loss-entry.js';
import { RETINANET_FIXTURE, type RetinanetFixture, retinanetFixtureOptions } from './fixture.js';
import {
  RETINANET_BOX_LOSSES,
  RETINANET_EXTRA_OUTPUTS,
  type RetinanetLossOptions,
  resolveRetinanetOptions,
} from './options.js';
import { RETINANET_PERF, type RetinanetPerfProblem } from './perf.js';
import { retinanetLossProgram } from './program.js';
import { retinanetTrainingLoss } from './training-loss.js';

/** torchvision's RetinaNet loss as the registry lists it. */
export const RETINANET_ENTRY: LossEntry<RetinanetLossOptions, RetinanetFixture['options'], RetinanetPerfProblem> = {
  name: 'retinanet',
  title: 'RetinaNet loss',
  program: retinanetLossProgram,
  resolveOptions: resolveRetinanetOptions,
  fixture: RETINANET_FIXTURE,
  cli: {
    summary: "torchvision's RetinaNet loss, symbolic B, A, C, M",
    minClasses: 1,
    extraOutputs: RETINANET_EXTRA_OUTPUTS,
    flags: [
      {
        flag: 'box-loss',
        option: 'boxLoss',
        kind: 'choice',
        choices: RETINANET_BOX_LOSSES,
        help: `${RETINANET_BOX_LOSSES.join(', ')} (default l1)`,
      },
      {
        flag: 'fg-iou-thresh',
        option: 'fgIouThresh',
        kind: 'number',
        help: 'IoU from which an anchor is foreground (default 0.5)',
      },
      {
        flag: 'bg-iou-thresh',
        option: 'bgIouThresh',
        kind: 'number',
        help: 'IoU below which an anchor is background; between the two it is ignored (default 0.4)',
      },
      {
        flag: 'focal-alpha',
        option: 'focalAlpha',
        kind: 'number',
        help: 'focal-loss alpha in [0, 1], or -1 for none (default 0.25)',
      },
      { flag: 'focal-gamma', option: 'focalGamma', kind: 'number', help: 'focal-loss gamma >= 0 (default 2)' },
      {
        flag: 'no-low-quality-matches',
        option: 'allowLowQualityMatches',
        kind: 'off',
        help: 'the Matcher without allow_low_quality_matches',
      },
    ],
  },
  perf: RETINANET_PERF,
  training: {
    loss: retinanetTrainingLoss,
    terms: ['loss_cls', 'loss_box'],
    priorsInputs: ['anchors'],
    fixtureOptions: retinanetFixtureOptions,
    tinyDetector: {
      options: { boxLoss: 'giou' },
      boxHead: 'bbox_regression',
      classHead: 'cls_logits',
      priors: (defaultBoxes) => ({ anchors: cornerForm(defaultBoxes) }),
    },
  },
};

/** [P, 4] boxes (cx, cy, w, h) as (xmin, ymin, xmax, ymax), the anchors' form. */
function cornerForm(boxes: HostTensor): HostTensor {
  const d = boxes.data;
  const data = new Float32Array(d.length);
  for (let r = 0; r + 3 < d.length; r += 4) {
    const [cx, cy, w, h] = [Number(d[r]), Number(d[r + 1]), Number(d[r + 2]), Number(d[r + 3])];
    data.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], r);
  }
  return { dtype: 'float32', shape: boxes.shape, data };
}
