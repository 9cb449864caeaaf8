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
export { coords, stackCoords, pointForm, centerForm, jaccard, encode, type Coords } from './boxes/box-ops.js';
export { encodeBoxes, decodeBoxes, BBOX_XFORM_CLIP, type BoxCoderWeights } from './boxes/box-coder.js';
export { giouLoss, diouLoss, ciouLoss, IOU_LOSS_EPS } from './boxes/iou-losses.js';
export { defaultBoxes, SSD300, SSD512, type DefaultBoxConfig } from './boxes/default-boxes.js';
export { anchorGrid, retinanetAnchorSizes, type AnchorGridConfig } from './boxes/anchors.js';
export { multiboxLoss, MULTIBOX_INPUTS } from './losses/multibox.js';
export { multiboxLossProgram, type MultiboxInput, type MultiboxOutput } from './losses/multibox-program.js';
export { checkMultiboxInputs, validateMultiboxInputs } from './losses/multibox-validate.js';
export { packTargets, type TruthRow } from './losses/pack-targets.js';
export {
  resolveMultiboxOptions,
  MULTIBOX_EXTRA_OUTPUTS,
  type MultiboxLossOptions,
  type MultiboxExtraOutput,
} from './losses/multibox-options.js';
export { MULTIBOX_PROFILES, type MultiboxProfile } from './losses/multibox-profile.js';
export { LOSS_NORMALIZATIONS, NORMALIZER_OUTPUT, type LossNormalization } from './losses/normalization.js';
export { focalSide, sigmoidFocalLoss, type FocalSide } from './losses/focal.js';
export { retinanetLoss, RETINANET_INPUTS, BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS } from './losses/retinanet.js';
export { retinanetLossProgram, type RetinanetInput, type RetinanetOutput } from './losses/retinanet-program.js';
export type { ProgramOutputs } from './losses/program-names.js';
export { checkRetinanetInputs, validateRetinanetInputs } from './losses/retinanet-validate.js';
export {
  resolveRetinanetOptions,
  RETINANET_BOX_LOSSES,
  RETINANET_EXTRA_OUTPUTS,
  type RetinanetLossOptions,
  type RetinanetBoxLoss,
  type RetinanetExtraOutput,
} from './losses/retinanet-options.js';
export { parseSafetensors, writeSafetensors, type SafetensorsFile, type SafetensorsTensor, type SafetensorsDtype } from './io/safetensors.js';
export {
  readFixture,
  readMultiboxFixture,
  fixtureOutputs,
  FIXTURE_LOSSES,
  type Fixture,
  type FixtureLoss,
  type MultiboxFixture,
  type RetinanetFixture,
} from './io/fixture.js';
export type { HostTensor, Feeds, Outputs, LossProgram, FastPath, CompileOptions, Timeouts, CompiledLoss } from './backend/contract.js';
export { asProgram } from './backend/contract.js';
export {
  defineBackend,
  defineSyncBackend,
  type BackendSpec,
  type CompiledGraph,
  type CompileFunction,
  type CoreOptions,
  type GraphContext,
} from './backend/define.js';
export { DEFAULT_TIMEOUTS } from './backend/timeout.js';
export { checkFeeds, checkShapes, checkStructure, narrowFeeds, DisposeGuard, type FeedShapes } from './backend/prepare.js';
export { compileReference } from './backend/reference.js';
export { optionRules, type OptionRule, type OptionRules } from './options/rules.js';
export { rejectUnknownKeys } from './options/unknown-keys.js';
export { closestName, editDistance } from './options/closest.js';
export { float32Problem, requireFloat32 } from './options/float32.js';
