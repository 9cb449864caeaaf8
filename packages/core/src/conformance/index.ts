/**
 * @lossgraph/core/conformance: the one conformance registration every backend package runs
 * (`describeBackend`). Needs vitest (an optional peer dependency); `@lossgraph/core/testing` does not.
 */
export { describeBackend, type ConformanceEnv, type ConformanceSuite, type DescribeBackendOptions } from './describe-backend.js';
export { FAST_PATH_CASES, type FastPathCase } from './fast-path-cases.js';
export { fixtureAdapter, type ConformanceFixture } from './fixture-adapter.js';
