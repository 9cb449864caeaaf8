/**
 * @lossgraph/core/conformance: the one conformance registration every backend package runs
 * (`describeBackend`). Needs vitest (an optional peer dependency); `@lossgraph/core/testing` does not.
 */

export { CONTRACT_CASES, type ContractCase } from './contract-cases.js';
export {
  type ConformanceEnv,
  type ConformanceSuite,
  type DescribeBackendOptions,
  describeBackend,
} from './describe-backend.js';
export { type ConformanceFixture, fixtureAdapter } from './fixture-adapter.js';
export { describeTrainingFixtures, type TrainingFixtureEnv } from './training-fixtures.js';
export { describeTrainingSteps } from './training-steps.js';
