import {
  type DType,
  type GraphBuilder,
  LossGraphError,
  type ModelFeeds,
  type ModelForward,
  shapeToString,
  type Tensor,
} from '@lossgraph/core';
import type { InitializerRole } from './classify.js';
import { type EmitState, hostValue, IR_DTYPE, NodeContext, type Value } from './context.js';
import type { OnnxModel, OnnxNode } from './decode.js';
import { invalidModel, invalidNode, unsupportedNode } from './errors.js';
import type { ResolvedInput } from './inputs.js';
import { CONVERTERS } from './table.js';

/** What `emitModel` needs of an imported model. */
export interface ImportedModel {
  readonly model: OnnxModel;
  readonly roles: ReadonlyMap<string, InitializerRole>;
  readonly inputs: readonly ResolvedInput[];
}

function feedTensor(
  group: Readonly<Record<string, Tensor>>,
  what: string,
  name: string,
  shape: readonly number[],
  dtype: DType = 'float32',
): Tensor {
  const t = group[name];
  if (t === undefined) {
    throw new LossGraphError('MISSING_INPUT', `the model's ${what} '${name}' is not in the feeds`, { tensor: name });
  }
  if (t.dtype !== dtype) {
    throw new LossGraphError('DTYPE_MISMATCH', `the model's ${what} '${name}' is ${dtype}, its feed ${t.dtype}`, {
      tensor: name,
      expected: dtype,
      actual: t.dtype,
    });
  }
  if (shapeToString(t.shape) !== shapeToString(shape)) {
    throw new LossGraphError(
      'SHAPE_MISMATCH',
      `the model's ${what} '${name}' has the shape ${shapeToString(shape)}, its feed ${shapeToString(t.shape)}`,
      { tensor: name, expected: shape, actual: t.shape },
    );
  }
  return t;
}

/** Runs one node's converter: folds it when every input is known, else adds it to the graph. */
function convertNode(emit: EmitState, node: OnnxNode, values: ReadonlyMap<string, Value>): (Value | Tensor)[] {
  const inputs = node.inputs.map((name) => {
    if (name === '') return undefined;
    const v = values.get(name);
    if (v === undefined) invalidNode(node, `input '${name}' is not produced by an earlier node, initializer or input`);
    return v;
  });
  const converter = CONVERTERS[node.opType];
  if (converter === undefined) return unsupportedNode(node);
  const ctx = new NodeContext(emit, node, inputs);
  try {
    if (converter.fold !== undefined && ctx.allHost) return converter.fold(ctx).map(hostValue);
    if (converter.convert === undefined) return unsupportedNode(node, 'is only supported on constant inputs');
    return [...converter.convert(ctx)];
  } catch (e) {
    if (LossGraphError.isInstance(e) && (e.code === 'INVALID_MODEL' || e.code === 'UNSUPPORTED_OP')) throw e;
    return invalidNode(node, e instanceof Error ? e.message : String(e), e);
  }
}

/** Writes an imported model's forward into `b` (see ModelGraph.emit). */
export function emitModel(
  imported: ImportedModel,
  b: GraphBuilder,
  feeds: ModelFeeds,
  mode: 'train' | 'eval',
): ModelForward {
  const { model, roles } = imported;
  const values = new Map<string, Value>();
  const state: Record<string, Tensor> = {};
  for (const input of imported.inputs) {
    values.set(input.name, {
      kind: 'tensor',
      tensor: feedTensor(feeds.inputs, 'input', input.name, input.shape, IR_DTYPE[input.kind]),
    });
  }
  for (const [name, host] of model.initializers) {
    const role = roles.get(name);
    if (role === 'parameter') {
      values.set(name, { kind: 'tensor', tensor: feedTensor(feeds.parameters, 'parameter', name, host.shape) });
    } else if (role === 'state') {
      state[name] = feedTensor(feeds.state, 'state', name, host.shape);
      values.set(name, { kind: 'tensor', tensor: state[name] });
    } else {
      values.set(name, hostValue(host));
    }
  }
  const emit: EmitState = { b, mode, opset: model.opset, nextState: {}, state, materialised: new WeakMap() };
  for (const node of model.nodes) {
    const outs = convertNode(emit, node, values);
    node.outputs.forEach((name, i) => {
      const v = outs[i];
      if (name === '' || v === undefined) return;
      values.set(name, 'kind' in v ? v : { kind: 'tensor', tensor: v });
    });
  }
  const outputs: Record<string, Tensor> = {};
  for (const name of model.outputs) {
    const v = values.get(name);
    if (v === undefined) invalidModel(`graph output '${name}' is not produced by any node`, { tensor: name });
    outputs[name] = v.kind === 'tensor' ? v.tensor : new NodeContext(emit, nodeOf(name), []).toTensor(v);
  }
  return { outputs, nextState: mode === 'train' ? emit.nextState : {} };
}

/** a stand-in node to name a constant graph output */
function nodeOf(name: string): OnnxNode {
  return { name, opType: 'Output', domain: '', inputs: [], outputs: [name], attributes: new Map() };
}
