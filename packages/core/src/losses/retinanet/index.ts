export { retinanetAnchorSizes } from './anchor-sizes.js';
export { RETINANET_DIAGNOSTICS, type RetinanetDiagnostic } from './diagnostics.js';
export { type RetinanetFixture, retinanetFixtureOptions } from './fixture.js';
export { BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS, RETINANET_INPUTS, retinanetLoss } from './loss.js';
export {
  RETINANET_BOX_LOSSES,
  RETINANET_EXTRA_OUTPUTS,
  type RetinanetBoxLoss,
  type RetinanetExtraOutput,
  type RetinanetLossOptions,
  resolveRetinanetOptions,
} from './options.js';
export {
  RETINANET_PERF,
  RETINANET_PERF_SHAPE,
  type RetinanetPerfProblem,
  type RetinanetShape,
  retinanetPerfAnchors,
  syntheticRetinanetFeeds,
} from './perf.js';
export { type RetinanetInput, type RetinanetOutput, retinanetLossProgram } from './program.js';
export { retinanetTrainingLoss } from './training-loss.js';
export { checkRetinanetInputs, validateRetinanetInputs } from './validate.js';
