import {
  GraphBuilder,
  type ModelGraph,
  type ModelInitializer,
  type ModelTensorInfo,
  type Tensor,
} from '@lossgraph/core';
import { classifyInitializers, type InitializerRole, isAnonymous } from './classify.js';
import { IR_DTYPE } from './context.js';
import { decodeModel, type OnnxModel } from './decode.js';
import { emitModel, type ImportedModel } from './emit.js';
import { describeNode, invalidModel, unsupportedNode } from './errors.js';
import { resolveInputs } from './inputs.js';
import { CONVERTERS } from './table.js';

export interface ImportOnnxOptions {
  /**
   * The shape of each graph input, where the model's is symbolic (`dynamic_axes`) or to check it. Every
   * `Shape`/`Gather`/`Concat`/... computation is folded at these shapes; the imported model is fixed to them.
   */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

/** How to export a model the importer can train. */
export const TRAINING_EXPORT_HINT =
  'export with torch.onnx.export(model, x, f, opset_version=17, ' +
  'training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False)';

/** Every node's op must have a converter; names the first that has not. */
function checkOps(model: OnnxModel): void {
  for (const node of model.nodes) {
    if (node.domain !== '' && node.domain !== 'ai.onnx')
      unsupportedNode(node, `of domain '${node.domain}' is not supported`);
    if (CONVERTERS[node.opType] === undefined) unsupportedNode(node);
  }
}

/**
 * An eval-mode export fuses each BatchNorm into the Conv before it and stores the fused weight under an
 * anonymous name (`onnx::Conv_49`): γ, β and the running statistics are gone, so it cannot be trained.
 */
function checkNotFused(model: OnnxModel): void {
  for (const node of model.nodes) {
    if (node.opType !== 'Conv' && node.opType !== 'ConvTranspose') continue;
    const weight = node.inputs[1] ?? '';
    if (model.initializers.has(weight) && isAnonymous(weight)) {
      invalidModel(
        `${describeNode(node)}: its weight '${weight}' is an anonymous constant, as in an eval-mode export, which ` +
          'fuses each BatchNorm into the Conv before it (its scale, shift and running statistics are lost); ' +
          TRAINING_EXPORT_HINT,
        { node: node.name, opType: node.opType, tensor: weight },
      );
    }
  }
}

function initializers(model: OnnxModel, names: readonly string[]): ModelInitializer[] {
  return names.map((name) => {
    const host = model.initializers.get(name);
    if (host === undefined) return invalidModel(`no initializer '${name}'`);
    return { name, shape: host.shape, data: Float32Array.from(host.data) };
  });
}

/**
 * Imports a PyTorch-exported ONNX model (opsets 13-18) as a ModelGraph: a differentiable forward over
 * named parameters (the state_dict keys) and BatchNorm state. Shapes are fixed at import: symbolic input
 * dims need `inputShapes`. Malformed files, eval-mode (BatchNorm-fused) exports and shapes that do not fit
 * are INVALID_MODEL; ops without a conversion are UNSUPPORTED_OP; both name the node.
 */
export function importOnnx(bytes: Uint8Array, options: ImportOnnxOptions = {}): ModelGraph {
  const model = decodeModel(bytes);
  checkOps(model);
  checkNotFused(model);
  const roles = classifyInitializers(model);
  const inputs = resolveInputs(model, options.inputShapes);
  const named = (role: InitializerRole) => [...roles].filter(([, r]) => r === role).map(([name]) => name);
  const parameters = initializers(model, named('parameter'));
  const state = initializers(model, named('state'));
  const imported: ImportedModel = { model, roles, inputs };

  // a trial forward checks every node at these shapes and gives the output shapes
  const b = new GraphBuilder();
  const feed = (list: readonly ModelTensorInfo[], dtype: (name: string) => 'float32' | 'int32' | 'bool') =>
    Object.fromEntries(list.map((t): [string, Tensor] => [t.name, b.input(t.name, dtype(t.name), t.shape)]));
  const kinds = new Map(inputs.map((i) => [i.name, IR_DTYPE[i.kind]]));
  const trial = emitModel(
    imported,
    b,
    {
      inputs: feed(inputs, (n) => kinds.get(n) ?? 'float32'),
      parameters: feed(parameters, () => 'float32'),
      state: feed(state, () => 'float32'),
    },
    'train',
  );
  const outputs = model.outputs.map((name): ModelTensorInfo => {
    const t = trial.outputs[name];
    return { name, shape: (t?.shape ?? []).map(Number) };
  });
  return {
    inputs: inputs.map(({ name, shape }) => ({ name, shape })),
    outputs,
    parameters,
    state,
    emit: (builder, feeds, mode) => emitModel(imported, builder, feeds, mode),
  };
}
