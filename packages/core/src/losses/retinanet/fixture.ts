import type { HostTensor } from '../../backend/contract.js';
import type { MetadataReader } from '../../io/fixture-metadata.js';
import { type FixtureDescription, spec } from '../fixture-spec.js';
import { RETINANET_BOX_LOSSES, type RetinanetBoxLoss, type RetinanetLossOptions } from './options.js';
import { retinanetLossProgram } from './program.js';

/** One RetinaNet-loss fixture (docs/FIXTURES.md, "retinanet"). */
export interface RetinanetFixture {
  readonly name: string;
  readonly loss: 'retinanet';
  readonly metadata: Readonly<Record<string, string>>;
  readonly inputs: {
    readonly cls_logits: HostTensor;
    readonly bbox_regression: HostTensor;
    readonly anchors: HostTensor;
    readonly targets: HostTensor;
    readonly num_objs: HostTensor;
  };
  readonly options: Required<
    Pick<
      RetinanetLossOptions,
      'fgIouThresh' | 'bgIouThresh' | 'allowLowQualityMatches' | 'focalAlpha' | 'focalGamma' | 'boxLoss'
    >
  >;
  readonly expected: {
    readonly loss_cls: number;
    readonly loss_box: number;
    readonly grad_cls_logits: Float32Array;
    readonly grad_bbox_regression: Float32Array;
    readonly matched_idxs: Int32Array;
  };
}

/** The RetinaNet loss options a fixture's metadata names (torchvision's defaults where absent). */
export function retinanetFixtureOptions(m: MetadataReader): RetinanetFixture['options'] {
  return {
    fgIouThresh: m.num('fg_iou_thresh', 0.5),
    bgIouThresh: m.num('bg_iou_thresh', 0.4),
    allowLowQualityMatches: m.bool('allow_low_quality_matches', true),
    focalAlpha: m.num('focal_alpha', 0.25),
    focalGamma: m.num('focal_gamma', 2),
    boxLoss: m.oneOf<RetinanetBoxLoss>('box_loss', RETINANET_BOX_LOSSES, 'l1'),
  };
}

/** docs/FIXTURES.md's retinanet table. */
export const RETINANET_FIXTURE: FixtureDescription<RetinanetFixture['options']> = {
  tensors: [
    spec('cls_logits', 'F32', ['B', 'A', 'C'], 'input'),
    spec('bbox_regression', 'F32', ['B', 'A', '4'], 'input'),
    spec('anchors', 'F32', ['A', '4'], 'input'),
    spec('targets', 'F32', ['B', 'M', '5'], 'input'),
    spec('num_objs', 'I32', ['B'], 'input'),
    spec('loss_cls', 'F64', [], 'loss'),
    spec('loss_box', 'F64', [], 'loss'),
    spec('grad_cls_logits', 'F32', ['B', 'A', 'C'], 'gradient', 'cls_logits'),
    spec('grad_bbox_regression', 'F32', ['B', 'A', '4'], 'gradient', 'bbox_regression'),
    spec('matched_idxs', 'I64', ['B', 'A'], 'integer'),
  ],
  options: retinanetFixtureOptions,
  program: (options, gradients) =>
    retinanetLossProgram({ ...options, gradients, outputs: ['matched_idxs'], diagnostics: true }),
};
