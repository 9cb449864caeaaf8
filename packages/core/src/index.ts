/**
 * @lossgraph/core: losses as abstract tensor graphs. Layers, in import order: ir -> ops (shape rule,
 * reference kernel and VJP per op) -> builder -> passes (verify, inference, DCE, folding, autodiff) ->
 * interpreter -> losses -> backend contract.
 */

export type {
  BytesMoved,
  CompiledLoss,
  CompileOptions,
  DeviceTensor,
  Feeds,
  HostTensor,
  LossProgram,
  Outputs,
  ResidentResult,
  ResidentRuns,
  Timeouts,
} from './backend/contract.js';
export { asProgram } from './backend/contract.js';
export {
  type BackendSpec,
  type CompiledGraph,
  type CompileFunction,
  type CoreOptions,
  defineBackend,
  defineSyncBackend,
  type GraphContext,
  type ResidentGraph,
} from './backend/define.js';
export {
  checkFeeds,
  checkShapes,
  checkStructure,
  DisposeGuard,
  type FeedShapes,
  isHostTensor,
  narrowFeeds,
  tensorBytes,
} from './backend/prepare.js';
export { compileReference } from './backend/reference.js';
export { DEFAULT_TIMEOUTS } from './backend/timeout.js';
export { type AnchorGridConfig, anchorGrid } from './boxes/anchors.js';
export { BBOX_XFORM_CLIP, type BoxCoderWeights, decodeBoxes, encodeBoxes } from './boxes/box-coder.js';
export { type Coords, centerForm, coords, encode, jaccard, pointForm, stackCoords } from './boxes/box-ops.js';
export { type DefaultBoxConfig, defaultBoxes, SSD300, SSD512 } from './boxes/default-boxes.js';
export { ciouLoss, diouLoss, giouLoss, IOU_LOSS_EPS } from './boxes/iou-losses.js';
export { GraphBuilder, Tensor } from './builder.js';
export { LossGraphError, type LossGraphErrorCode } from './errors.js';
export { bindSymbols, type Feed, interpret } from './interpreter/interpret.js';
export {
  FIXTURE_LOSSES,
  type Fixture,
  type FixtureLoss,
  fixtureOutputs,
  readFixture,
  readMultiboxFixture,
} from './io/fixture.js';
export {
  parseSafetensors,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsTensor,
  writeSafetensors,
} from './io/safetensors.js';
export {
  isTrainingFixture,
  readTrainingFixture,
  TRAINING_QUANTITIES,
  type TrainingFixture,
  type TrainingQuantity,
} from './io/training-fixture.js';
export { at, first, nonEmpty } from './ir/at.js';
export {
  type Graph,
  type GraphOutput,
  inputInfo,
  inputName,
  outputNames,
  outputValue,
  symbolSources,
  valueInfo,
} from './ir/graph.js';
export type { Node, OpAttrs, OpName } from './ir/ops.js';
export { hashGraph, printGraph } from './ir/print.js';
export { broadcastShapes, dimAt, resolveDim, resolveShape, shapeToString, sizeOf } from './ir/shape.js';
export { type TensorData, type TypedData, tensor } from './ir/tensor-data.js';
export type { Dim, DType, Shape, SymbolEnv, ValueInfo, ValueType } from './ir/types.js';
export type { CliDescription, CliFlag } from './losses/cli-flags.js';
export type { FixtureDescription, FixtureRole, TensorSpec } from './losses/fixture-spec.js';
export { type FocalSide, focalSide, focalWeight, sigmoidFocalLoss } from './losses/focal.js';
export type { LossEntry, TinyDetectorWiring, TrainingDescription } from './losses/loss-entry.js';
export { LOSS_NORMALIZATIONS, type LossNormalization, NORMALIZER_OUTPUT } from './losses/normalization.js';
export { packTargets, type TruthRow } from './losses/pack-targets.js';
export {
  checkPerfShape,
  configNumber,
  configString,
  fillNormal,
  type PerfFlag,
  type PerfOriginal,
  type PerfProblemDescription,
  perfInt,
  perfRandom,
  randomPixelTruths,
} from './losses/perf-problem.js';
export type { ProgramOutputs } from './losses/program-names.js';
export * from './losses/registry.js';
export { type Arity, type Inputs, type OpDef, type Tuple, type Vjp, type VjpArgs, vjpGrads } from './ops/define.js';
export { type ArityOf, OP_NAMES, OPS } from './ops/registry.js';
export { poolDivisors, windowEndPad } from './ops/window-kernels.js';
export { windowOutShape } from './ops/window-rules.js';
export { closestName, editDistance } from './options/closest.js';
export { float32Problem, requireFloat32 } from './options/float32.js';
export { type OptionRule, type OptionRules, optionRules } from './options/rules.js';
export { rejectUnknownKeys } from './options/unknown-keys.js';
export { appendGradients, type GradientRequest } from './passes/autodiff.js';
export { foldConstants } from './passes/constant-folding.js';
export { bindDefinedDims, type DefinedDim, definedDims, partialShape } from './passes/data-dims.js';
export { eliminateDeadCode } from './passes/dce.js';
export { inferTypes } from './passes/infer.js';
export { type DimBinding, inlineGraph, substituteShape, unifyShape } from './passes/inline.js';
export { differentiableAncestors } from './passes/reachability.js';
export { attrSymbols, verify } from './passes/verify.js';
export {
  type BatchNormInputs,
  type BatchNormTrainResult,
  batchNormEval,
  batchNormTrain,
} from './training/batch-norm.js';
export { CHECKPOINT_FORMAT, type CheckpointContents, readCheckpoint, writeCheckpoint } from './training/checkpoint.js';
export { constantLr, cosineLr, type LrSchedule, stepLr, warmup } from './training/lr-schedule.js';
export type {
  ModelFeeds,
  ModelForward,
  ModelGraph,
  ModelInitializer,
  ModelTensorInfo,
} from './training/model.js';
export {
  adam,
  adamw,
  makeOptimizer,
  type Optimizer,
  type ParameterUpdate,
  sgd,
  type UpdatedParameter,
} from './training/optimizer.js';
export {
  type AdamOptions,
  OPTIMIZER_TYPES,
  type OptimizerOptions,
  type OptimizerType,
  type ResolvedAdamOptions,
  type ResolvedSgdOptions,
  resolveAdamOptions,
  resolveOptimizerOptions,
  resolveSgdOptions,
  type SgdOptions,
} from './training/optimizer-options.js';
export { runTrainingSteps, type TrainingRun, type TrainingRunOptions } from './training/run-steps.js';
export {
  evalProgram,
  FINITE_CHECK,
  gradName,
  nextName,
  slotName,
  type TrainingStepOptions,
  type TrainingStepProgram,
  trainingStepProgram,
} from './training/step-program.js';
export {
  type BackendCompile,
  createTrainer,
  type Trainer,
  type TrainerOptions,
  type TrainerTransfers,
} from './training/trainer.js';
export type { TrainingLoss } from './training/training-loss.js';
