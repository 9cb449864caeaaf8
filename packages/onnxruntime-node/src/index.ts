/**
 * @lossgraph/onnxruntime-node: runs lossgraph losses on onnxruntime-node (a peer dependency) — on the
 * CPU, or on an NVIDIA GPU through the CUDA execution provider. The gradient is part of the graph, so
 * inference sessions compute it.
 */
export { compile } from './compile.js';
export { CUDA_INSTALL_HINT } from './cuda-hint.js';
export { type CudaProviderStatus, cudaProviderStatus } from './cuda-probe.js';
export type { ExecutionProvider, GraphOptimizationLevel, OnnxRuntimeNodeOptions } from './options.js';
