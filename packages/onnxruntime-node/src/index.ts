/**
 * @lossgraph/onnxruntime-node: runs lossgraph losses on onnxruntime-node (a peer dependency) — on the
 * CPU, or on an NVIDIA GPU through the CUDA execution provider. The gradient is part of the graph, so
 * inference sessions compute it.
 */
export { compile } from './compile.js';
export type { OnnxRuntimeNodeOptions, ExecutionProvider, GraphOptimizationLevel } from './options.js';
export { CUDA_INSTALL_HINT } from './cuda-hint.js';
export { cudaProviderStatus, type CudaProviderStatus } from './cuda-probe.js';
