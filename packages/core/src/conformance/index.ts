/**
 * @lossgraph/core/conformance: the one conformance registration every backend package runs
 * (`describeBackend`). Needs vitest (an optional peer dependency); `@lossgraph/core/testing` does not.
 */
export {
  type ConformanceEnv,
  type ConformanceSuite,
  type DescribeBackendOptions,
  describeBackend,
} from './describe-backend.js';
export { FAST_PATH_CASES, type FastPathCase } from './fast-path-cases.js';
export { type ConformanceFixture, fixtureAdapter } from './fixture-adapter.js';
export { describeTrainingSteps } from './training-steps.js';
