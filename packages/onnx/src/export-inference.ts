import {
  evalProgram,
  type HostTensor,
  LossGraphError,
  type LossGraphErrorCode,
  type ModelGraph,
} from '@lossgraph/core';
import { ONNX_ELEM_TYPE } from './dtypes.js';
import { lowerGraph } from './lower-graph.js';
import { modelProto, type OnnxModelOptions, prepareGraph } from './model.js';
import { type OnnxProto, onnx } from './proto.js';

function fail(code: LossGraphErrorCode, message: string, details: Record<string, unknown>): never {
  throw new LossGraphError(code, message, details);
}

/** A trained weight as a float32 initializer (float64 values, the reference interpreter's, rounded to float32). */
function initializer(name: string, shape: readonly number[], t: HostTensor | undefined): OnnxProto.ITensorProto {
  if (t === undefined) fail('MISSING_INPUT', `inference model: no trained value of '${name}'`, { tensor: name });
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    fail('SHAPE_MISMATCH', `inference model: '${name}' has shape [${t.shape}], the model's is [${shape}]`, {
      tensor: name,
    });
  const values = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i]))
      fail('NON_FINITE', `inference model: '${name}' holds ${values[i]} at index ${i}`, { tensor: name, index: i });
  // rawData is little-endian, as typed arrays are on every host lossgraph runs on
  const rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  return { name, dataType: ONNX_ELEM_TYPE.float32, dims: [...shape], rawData };
}

/**
 * The model's eval-mode forward (BatchNorm on its running statistics) as a standalone ONNX model for
 * inference: inputs the model's inputs, outputs the model's outputs, and every parameter and running
 * statistic an initializer holding its value in `weights` (by name: `trainer.state()` or
 * `trainer.parameters()` with the running stats). Plain onnxruntime runs it; no lossgraph is needed.
 */
export function exportInferenceModel(
  model: ModelGraph,
  weights: Readonly<Record<string, HostTensor>>,
  options: OnnxModelOptions = {},
): Uint8Array {
  const lowered = lowerGraph(prepareGraph(evalProgram(model).graph));
  const proto = modelProto(lowered, options);
  const baked = [...model.parameters, ...model.state].map((t) => initializer(t.name, t.shape, weights[t.name]));
  const bakedNames = new Set(baked.map((t) => t.name));
  const graph = proto.graph!;
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      ...proto,
      graph: {
        ...graph,
        name: 'lossgraph-inference',
        input: (graph.input ?? []).filter((v) => !bakedNames.has(v.name ?? '')),
        initializer: [...baked, ...(graph.initializer ?? [])],
      },
    }),
  ).finish();
}
