/**
 * @lossgraph-tools/testing: every backend the bench and the cross-backend tests run, each behind one
 * `BenchBackend` (probe, compile, close), in report order; the browser ones run in headless Chromium
 * through the harness of `browser/`. `./chromium` alone locates and launches Chromium (for examples).
 */
export { allBackends, BACKENDS } from './backends/index.js';
export { referenceBackend } from './backends/reference.js';
export type { Availability, BenchBackend } from './backends/types.js';
export { isPageLoss } from './browser/backend.js';
