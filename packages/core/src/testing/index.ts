/** Shared test helpers for backend packages: fixture files, tolerances, the op conformance cases. */
export { listFixtureFiles, loadFixture, loadMultiboxFixture, fixtureName } from '../io/fixture-files.js';
export { fixtureOutputs } from '../io/fixture.js';
export { compareWithFixture, fixtureTolerances, TOLERANCE, type FixtureComparison } from './tolerance.js';
export { fixtureFeeds, fixtureProgram, fixtureProgramKey } from './fixture-program.js';
export { OP_CASES, type OpCase } from './op-cases.js';
export { runOpConformance, type ConformanceOptions } from './conformance.js';
export { repoFixturesDir, sampleFixturePath } from './paths.js';
export { seededRandom, normal } from './random.js';
export { negativeLosses } from './mining.js';
