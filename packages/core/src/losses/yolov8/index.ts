export { type YoloAnchorConfig, yoloAnchors } from './anchors.js';
export { ULTRALYTICS_IOU_EPS, ultralyticsCiou } from './ciou.js';
export { YOLOV8_DIAGNOSTICS, type Yolov8Diagnostic } from './diagnostics.js';
export { readYolov8Fixture, type Yolov8Fixture, yolov8FixtureFailures } from './fixture.js';
export { YOLOV8_INPUTS, yolov8Inputs, yolov8Loss } from './loss.js';
export {
  type ResolvedYolov8Options,
  resolveYolov8Options,
  YOLOV8_EXTRA_OUTPUTS,
  type Yolov8ExtraOutput,
  type Yolov8LossOptions,
} from './options.js';
export { nonNegativePower, sigmoidPower } from './powers.js';
export { type Yolov8Input, type Yolov8Output, yolov8LossProgram } from './program.js';
export { anchorImageSize, validateYolov8Inputs, yolov8InputChecks } from './validate.js';
