/**
 * @lossgraph/onnx: compiles lossgraph IR graphs (forward and gradient) to ONNX models, shared by the
 * onnxruntime-node and onnxruntime-web backends. Browser-safe: no Node built-ins here (the export CLI
 * lives in `cli.ts`).
 */
export { toOnnxModel, modelProto, prepareGraph, ONNX_OPSET, SUPPORTED_OPSETS, type OnnxModelOptions } from './model.js';
export { onnxOpsUsed, type OnnxOpUse } from './ops-used.js';
export { lowerGraph, type LoweredGraph } from './lower-graph.js';
export { LOWERINGS } from './lower/table.js';
export type { LoweringContext, LoweringTable, OnnxLowering, OutputSlot } from './lower/context.js';
export type { OnnxDType } from './dtypes.js';
export { bindDims } from './bind-dims.js';
