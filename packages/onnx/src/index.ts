/**
 * @lossgraph/onnx: compiles lossgraph IR graphs (forward and gradient) to ONNX models, shared by the
 * onnxruntime-node and onnxruntime-web backends. Browser-safe: no Node built-ins here (the export CLI
 * lives in `cli.ts`).
 */

export { bindDims } from './bind-dims.js';
export type { OnnxDType } from './dtypes.js';
export { exportInferenceModel } from './export-inference.js';
export { type ImportOnnxOptions, importOnnx, TRAINING_EXPORT_HINT } from './import/import-onnx.js';
export { type KernelRange, type KernelTable, kernelGap, sinceVersion } from './kernel-table.js';
export type { LoweringContext, LoweringTable, OnnxLowering, OutputSlot } from './lower/context.js';
export { LOWERINGS } from './lower/table.js';
export { type LoweredGraph, lowerGraph } from './lower-graph.js';
export { modelProto, ONNX_OPSET, type OnnxModelOptions, prepareGraph, SUPPORTED_OPSETS, toOnnxModel } from './model.js';
export { type OnnxOpUse, onnxOpsUsed } from './ops-used.js';
export { ONNX_PROVIDERS, type OnnxProvider } from './provider.js';
