/** Shared test helpers for backend packages: fixture files, tolerances, the op conformance cases. */

export { fixtureOutputs } from '../io/fixture.js';
export {
  fixtureName,
  listFixtureFiles,
  listTrainingFixtureFiles,
  loadFixture,
  loadMultiboxFixture,
  loadTrainingFixture,
} from '../io/fixture-files.js';
export { type ConformanceOptions, caseFeeds, caseGraphs, runOpConformance } from './conformance.js';
export {
  compareDiagnostics,
  diagnosticsPath,
  type ExpectedDiagnostic,
  loadDiagnostics,
  readDiagnostics,
} from './diagnostics.js';
export { fixtureFeeds, fixtureProgram, fixtureProgramKey } from './fixture-program.js';
export { negativeLosses } from './mining.js';
export type { OpCase } from './op-case.js';
export { OP_CASES } from './op-cases.js';
export {
  checkLossAgainstReference,
  checkOptimReferenceCase,
  loadOptimReference,
  lossReferenceProblem,
  type OptimReference,
  type OptimReferenceCase,
  optimReferencePath,
  optimReferenceProgram,
  type TrainingTolerances,
  tinyDetectorLosses,
} from './optim-reference.js';
export { repoFixturesDir, sampleFixturePath, trainingSampleFixturePath } from './paths.js';
export { normal, seededRandom } from './random.js';
export { TINY_DETECTOR, tinyDetector } from './tiny-detector.js';
export { compareWithFixture, type FixtureComparison, fixtureTolerances, TOLERANCE } from './tolerance.js';
export { type DeviceStateComparison, trainerDeviceStateComparison } from './trainer-device-state.js';
export { type MemorySample, type TrainerMemoryOptions, trainerMemorySamples } from './trainer-memory.js';
export { type TrainerResumeOptions, trainerResumeDifferences } from './trainer-resume.js';
export { trainerSafeStepFailures } from './trainer-safe-step.js';
export { lossFailure, maxAbsDiff, tensorFailure } from './training-compare.js';
export {
  type ModelImporter,
  runTrainingFixture,
  type TrainingCompile,
  type TrainingFixtureResult,
  trainingFixtureGraphs,
  trainingFixtureLoss,
} from './training-fixture.js';
