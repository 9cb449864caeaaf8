export { type YoloAnchorConfig, yoloAnchors } from './anchors.js';
export { ULTRALYTICS_IOU_EPS, ultralyticsCiou } from './ciou.js';
export { YOLOV8_DIAGNOSTICS, type Yolov8Diagnostic } from './diagnostics.js';
export { readYolov8Fixture, type Yolov8Fixture, yolov8FixtureFailures } from './fixture.js';
export type { Yolov8LossFixture } from './fixture-table.js';
export { YOLOV8_INPUTS, yolov8Inputs, yolov8Loss } from './loss.js';
export {
  type ResolvedYolov8Options,
  resolveYolov8Options,
  YOLOV8_EXTRA_OUTPUTS,
  type Yolov8ExtraOutput,
  type Yolov8LossOptions,
} from './options.js';
export {
  syntheticYolov8Feeds,
  YOLOV8_PERF,
  YOLOV8_PERF_SHAPE,
  type Yolov8PerfProblem,
  type Yolov8Shape,
  yolov8PerfAnchorCount,
} from './perf.js';
export { nonNegativePower, sigmoidPower } from './powers.js';
export { type Yolov8Input, type Yolov8Output, yolov8LossProgram } from './program.js';
export { yolov8TrainingLoss } from './training-loss.js';
export { anchorImageSize, validateYolov8Inputs, yolov8InputChecks } from './validate.js';
