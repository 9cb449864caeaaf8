import type { LossEntry } from '../loss-entry.js';
import { YOLOV8_FIXTURE, type Yolov8LossFixture } from './fixture-table.js';
import { resolveYolov8Options, type Yolov8LossOptions } from './options.js';
import { yolov8LossProgram } from './program.js';

/** Ultralytics' YOLOv8 / YOLO11 detection loss as the registry lists it. */
export const YOLOV8_ENTRY: LossEntry<Yolov8LossOptions, Yolov8LossFixture['options']> = {
  name: 'yolov8',
  title: 'YOLOv8 loss',
  program: yolov8LossProgram,
  resolveOptions: resolveYolov8Options,
  fixture: YOLOV8_FIXTURE,
};
