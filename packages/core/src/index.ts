/**
 * @lossgraph/core: losses as abstract tensor graphs. Layers, in import order: ir -> ops (shape rule,
 * reference kernel and VJP per op) -> builder -> passes (verify, inference, DCE, folding, autodiff) ->
 * interpreter -> losses -> backend contract.
 */
export { LossGraphError, type LossGraphErrorCode } from './errors.js';
export type { DType, Dim, Shape, ValueInfo, ValueType, SymbolEnv } from './ir/types.js';
export type { OpAttrs, OpName, Node } from './ir/ops.js';
export { type Graph, type GraphOutput, inputInfo, outputNames, outputValue, symbolSources } from './ir/graph.js';
export { broadcastShapes, resolveShape, shapeToString, sizeOf } from './ir/shape.js';
export { type TensorData, type TypedData, tensor } from './ir/tensor-data.js';
export { printGraph, hashGraph } from './ir/print.js';
export { OPS, OP_NAMES } from './ops/registry.js';
export type { OpDef, Vjp, VjpArgs } from './ops/define.js';
export { GraphBuilder, Tensor } from './builder.js';
export { verify, attrSymbols } from './passes/verify.js';
export { inferTypes } from './passes/infer.js';
export { eliminateDeadCode } from './passes/dce.js';
export { definedDims, bindDefinedDims, partialShape, type DefinedDim } from './passes/data-dims.js';
export { foldConstants } from './passes/constant-folding.js';
export { appendGradients, type GradientRequest } from './passes/autodiff.js';
export { interpret, bindSymbols, type Feed } from './interpreter/interpret.js';
export { coords, pointForm, jaccard, encode } from './boxes/box-ops.js';
export { defaultBoxes, SSD300, SSD512, type DefaultBoxConfig } from './boxes/default-boxes.js';
export { multiboxLoss, MULTIBOX_INPUTS } from './losses/multibox.js';
export { multiboxLossProgram } from './losses/multibox-program.js';
export { validateMultiboxInputs } from './losses/multibox-validate.js';
export { packTargets, type TruthRow } from './losses/pack-targets.js';
export {
  resolveMultiboxOptions,
  MULTIBOX_EXTRA_OUTPUTS,
  type MultiboxLossOptions,
  type MultiboxExtraOutput,
} from './losses/multibox-options.js';
export { parseSafetensors, writeSafetensors, type SafetensorsFile, type SafetensorsTensor, type SafetensorsDtype } from './io/safetensors.js';
export { readMultiboxFixture, type MultiboxFixture } from './io/fixture.js';
export type { HostTensor, Feeds, Outputs, LossProgram, FastPath, CompileOptions, CompiledLoss } from './backend/contract.js';
export { compileWithFastPath, type CompileOne, type FastPathStats } from './backend/fast-path.js';
export { asProgram } from './backend/contract.js';
export { checkFeeds, DisposeGuard } from './backend/prepare.js';
export { compileReference } from './backend/reference.js';
