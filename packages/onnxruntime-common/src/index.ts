/**
 * @lossgraph/onnxruntime-common: what @lossgraph/onnxruntime-node and @lossgraph/onnxruntime-web share,
 * typed against onnxruntime-common's InferenceSession and Tensor: the compile skeleton
 * (`defineOrtBackend`), tensor conversion, the shared options, execution-provider fallback, and one
 * vocabulary of error details (`runtime`, `executionProvider`, `failures`, `option`, `tensor`).
 */
export { defineOrtBackend, type OpenedSession, type OrtPlatform, type OrtSessionHandle } from './backend.js';
export {
  GRAPH_OPTIMIZATION_LEVELS,
  type GraphOptimizationLevel,
  type OrtCompileOptions,
  type OrtResolved,
  ortOptionRules,
} from './options.js';
export { firstThatStarts, type ProviderFailure, reasonOf } from './providers.js';
export { ortResident, type ResidentSession } from './resident.js';
export { downloadedResults, fromOrtOutputs, toOrtFeeds } from './tensors.js';
