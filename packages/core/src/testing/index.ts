/** Shared test helpers for backend packages: fixture files, tolerances, the op conformance cases. */

export { fixtureOutputs } from '../io/fixture.js';
export {
  fixtureName,
  listFixtureFiles,
  listTrainingFixtureFiles,
  loadFixture,
  loadMultiboxFixture,
} from '../io/fixture-files.js';
export { type ConformanceOptions, runOpConformance } from './conformance.js';
export { fixtureFeeds, fixtureProgram, fixtureProgramKey } from './fixture-program.js';
export { negativeLosses } from './mining.js';
export { OP_CASES, type OpCase } from './op-cases.js';
export { repoFixturesDir, sampleFixturePath } from './paths.js';
export { normal, seededRandom } from './random.js';
export { compareWithFixture, type FixtureComparison, fixtureTolerances, TOLERANCE } from './tolerance.js';
