import type { LossEntry } from '../loss-entry.js';
import { YOLOV8_FIXTURE, type Yolov8LossFixture, yolov8FixtureOptions } from './fixture-table.js';
import { resolveYolov8Options, YOLOV8_EXTRA_OUTPUTS, type Yolov8LossOptions } from './options.js';
import { YOLOV8_PERF, type Yolov8PerfProblem } from './perf.js';
import { yolov8LossProgram } from './program.js';
import { yolov8TrainingLoss } from './training-loss.js';

/** Ultralytics' YOLOv8 / YOLO11 detection loss as the registry lists it. */
export const YOLOV8_ENTRY: LossEntry<Yolov8LossOptions, Yolov8LossFixture['options'], Yolov8PerfProblem> = {
  name: 'yolov8',
  title: 'YOLOv8 loss',
  program: yolov8LossProgram,
  resolveOptions: resolveYolov8Options,
  fixture: YOLOV8_FIXTURE,
  cli: {
    summary: "Ultralytics' YOLOv8 / YOLO11 detection loss (v8DetectionLoss), symbolic B, A, C, M",
    minClasses: 1,
    extraOutputs: YOLOV8_EXTRA_OUTPUTS,
    flags: [
      {
        flag: 'reg-max',
        option: 'regMax',
        kind: 'number',
        help: 'bins of each side distribution (DFL), pred_distri has 4 x reg-max channels (default 16)',
      },
      {
        flag: 'tal-topk',
        option: 'topk',
        kind: 'number',
        help: 'candidates per truth in the task-aligned assigner (default 10)',
      },
      {
        flag: 'tal-alpha',
        option: 'alpha',
        kind: 'number',
        help: 'class-score exponent of the alignment metric (default 0.5)',
      },
      { flag: 'tal-beta', option: 'beta', kind: 'number', help: 'CIoU exponent of the alignment metric (default 6)' },
      { flag: 'box-gain', option: 'boxGain', kind: 'number', help: 'gain of the CIoU box term (default 7.5)' },
      { flag: 'cls-gain', option: 'clsGain', kind: 'number', help: 'gain of the BCE class term (default 0.5)' },
      {
        flag: 'dfl-gain',
        option: 'dflGain',
        kind: 'number',
        help: 'gain of the distribution focal loss (default 1.5)',
      },
    ],
  },
  perf: YOLOV8_PERF,
  training: {
    loss: yolov8TrainingLoss,
    terms: ['loss_box', 'loss_cls', 'loss_dfl'],
    // the anchor centres in grid units and each anchor's stride (docs/FIXTURES.md, "yolov8")
    priorsInputs: ['anchor_points', 'stride_tensor'],
    fixtureOptions: yolov8FixtureOptions,
  },
};
