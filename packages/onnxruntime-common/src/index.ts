/**
 * @lossgraph/onnxruntime-common: what @lossgraph/onnxruntime-node and @lossgraph/onnxruntime-web share,
 * typed against onnxruntime-common's InferenceSession and Tensor: the compile skeleton
 * (`defineOrtBackend`), tensor conversion, the shared options, execution-provider fallback, and one
 * vocabulary of error details (`runtime`, `executionProvider`, `failures`, `option`, `tensor`).
 */
export { defineOrtBackend, type OrtPlatform, type OpenedSession, type OrtSessionHandle } from './backend.js';
export { ortOptionRules, GRAPH_OPTIMIZATION_LEVELS, type GraphOptimizationLevel, type OrtCompileOptions, type OrtResolved } from './options.js';
export { firstThatStarts, reasonOf, type ProviderFailure } from './providers.js';
export { toOrtFeeds, fromOrtOutputs } from './tensors.js';
