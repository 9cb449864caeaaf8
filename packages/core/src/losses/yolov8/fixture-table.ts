import type { HostTensor } from '../../backend/contract.js';
import type { MetadataReader } from '../../io/fixture-metadata.js';
import { type FixtureDescription, spec } from '../fixture-spec.js';
import { YOLOV8_EXTRA_OUTPUTS, type Yolov8LossOptions } from './options.js';
import { yolov8LossProgram } from './program.js';

/** One yolov8 fixture as the shared reader returns it (docs/FIXTURES.md, "yolov8"). */
export interface Yolov8LossFixture {
  readonly name: string;
  readonly loss: 'yolov8';
  readonly metadata: Readonly<Record<string, string>>;
  readonly inputs: {
    readonly pred_distri: HostTensor;
    readonly pred_scores: HostTensor;
    readonly anchor_points: HostTensor;
    readonly stride_tensor: HostTensor;
    readonly targets: HostTensor;
    readonly num_objs: HostTensor;
  };
  readonly options: Required<
    Pick<Yolov8LossOptions, 'regMax' | 'topk' | 'alpha' | 'beta' | 'boxGain' | 'clsGain' | 'dflGain'>
  >;
  readonly expected: {
    readonly loss_box: number;
    readonly loss_cls: number;
    readonly loss_dfl: number;
    readonly grad_pred_distri: Float32Array;
    readonly grad_pred_scores: Float32Array;
    readonly fg_mask: Int32Array;
    readonly target_gt_idx: Int32Array;
  };
}

/** The YOLOv8 loss options a fixture's metadata names (Ultralytics' defaults where absent). */
export function yolov8FixtureOptions(m: MetadataReader): Yolov8LossFixture['options'] {
  return {
    regMax: m.num('reg_max', 16),
    topk: m.num('tal_topk', 10),
    alpha: m.num('tal_alpha', 0.5),
    beta: m.num('tal_beta', 6),
    boxGain: m.num('box_gain', 7.5),
    clsGain: m.num('cls_gain', 0.5),
    dflGain: m.num('dfl_gain', 1.5),
  };
}

/** docs/FIXTURES.md's yolov8 table; `R4` is 4 · reg_max. */
export const YOLOV8_FIXTURE: FixtureDescription<Yolov8LossFixture['options']> = {
  tensors: [
    spec('pred_distri', 'F32', ['B', 'A', 'R4'], 'input'),
    spec('pred_scores', 'F32', ['B', 'A', 'C'], 'input'),
    spec('anchor_points', 'F32', ['A', '2'], 'input'),
    spec('stride_tensor', 'F32', ['A', '1'], 'input'),
    spec('targets', 'F32', ['B', 'M', '5'], 'input'),
    spec('num_objs', 'I32', ['B'], 'input'),
    spec('loss_box', 'F64', [], 'loss'),
    spec('loss_cls', 'F64', [], 'loss'),
    spec('loss_dfl', 'F64', [], 'loss'),
    spec('grad_pred_distri', 'F32', ['B', 'A', 'R4'], 'gradient', 'pred_distri'),
    spec('grad_pred_scores', 'F32', ['B', 'A', 'C'], 'gradient', 'pred_scores'),
    spec('fg_mask', 'I64', ['B', 'A'], 'integer'),
    spec('target_gt_idx', 'I64', ['B', 'A'], 'integer'),
  ],
  options: yolov8FixtureOptions,
  program: (options, gradients) =>
    yolov8LossProgram({ ...options, gradients, outputs: [...YOLOV8_EXTRA_OUTPUTS], diagnostics: true }),
};
