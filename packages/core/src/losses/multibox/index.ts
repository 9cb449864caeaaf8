export { MULTIBOX_DIAGNOSTICS, type MultiboxDiagnostic } from './diagnostics.js';
export { type MultiboxFixture, multiboxFixtureOptions } from './fixture.js';
export { MULTIBOX_INPUTS, multiboxLoss } from './loss.js';
export {
  MULTIBOX_EXTRA_OUTPUTS,
  type MultiboxExtraOutput,
  type MultiboxLossOptions,
  resolveMultiboxOptions,
} from './options.js';
export {
  MULTIBOX_PERF,
  type MultiboxPerfProblem,
  type MultiboxPerfShape,
  PRIOR_PRESETS,
  type PriorPreset,
  syntheticMultiboxFeeds,
} from './perf.js';
export { MULTIBOX_PROFILES, type MultiboxProfile } from './profile.js';
export { type MultiboxInput, type MultiboxOutput, multiboxLossProgram } from './program.js';
export { multiboxTrainingLoss } from './training-loss.js';
export { checkMultiboxInputs, validateMultiboxInputs } from './validate.js';
