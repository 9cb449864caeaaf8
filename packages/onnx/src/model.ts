import { eliminateDeadCode, foldConstants, type Graph, LossGraphError, type ValueType, verify } from '@lossgraph/core';
import { ONNX_ELEM_TYPE } from './dtypes.js';
import { type LoweredGraph, lowerGraph } from './lower-graph.js';
import { type OnnxProto, onnx } from './proto.js';
import { checkProvider, type OnnxProvider } from './provider.js';

/** The default-domain opset of emitted models (onnxruntime 1.30 runs later ones too). */
export const ONNX_OPSET = 18;
/** The ONNX IR version that came with each opset (onnx 1.13: 18 and IR 8, 1.14-1.15: 19-20 and IR 9, 1.16: 21 and IR 10). */
function irVersionFor(opset: number): number {
  return opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

export interface OnnxModelOptions {
  /** default-domain opset to declare, 18 to 21 (default 18) */
  readonly opset?: number;
  /** ModelProto.producer_name (default 'lossgraph') */
  readonly producer?: string;
  /** the execution provider the model will run on (default 'cpu'); 'webgpu' avoids the kernels it lacks */
  readonly provider?: OnnxProvider;
}

/** The graph as it is emitted: constants folded, dead code removed (lean models run faster). */
export function prepareGraph(graph: Graph): Graph {
  verify(graph);
  return eliminateDeadCode(foldConstants(graph));
}

function valueInfo(name: string, t: ValueType): OnnxProto.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_ELEM_TYPE[t.dtype],
        shape: { dim: t.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** The ModelProto (as protobufjs properties) of a lowered graph. */
export function modelProto(lowered: LoweredGraph, options: OnnxModelOptions = {}): OnnxProto.IModelProto {
  const { emitter } = lowered;
  const opset = options.opset ?? ONNX_OPSET;
  return {
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: options.producer ?? 'lossgraph',
    graph: {
      name: 'lossgraph',
      node: emitter.nodes,
      initializer: emitter.initializers,
      input: lowered.inputs.map((v) => valueInfo(v.name!, v)),
      output: lowered.outputs.map((o) => valueInfo(o.name, o.value)),
    },
  };
}

/**
 * Compiles an IR graph (forward, and any gradient part appended by `appendGradients`) to a serialized
 * ONNX ModelProto. Graph inputs and outputs keep the IR's names and dtypes (float32 -> FLOAT,
 * int32 -> INT32, bool -> BOOL); symbolic dims become `dim_param`, so one model serves every size.
 */
export function toOnnxModel(graph: Graph, options: OnnxModelOptions = {}): Uint8Array {
  checkOpset(options.opset);
  checkProvider(options.provider);
  const lowered = lowerGraph(prepareGraph(graph), options.provider === undefined ? {} : { provider: options.provider });
  const proto = modelProto(lowered, options);
  return onnx.ModelProto.encode(onnx.ModelProto.create(proto)).finish();
}

/**
 * Opsets the lowerings are valid for: every op they emit keeps its opset-18 semantics through opset 21
 * (later versions only add types or attributes whose defaults are the old behaviour).
 */
export const SUPPORTED_OPSETS = { min: 18, max: 21 } as const;

function checkOpset(opset: number | undefined): void {
  if (
    opset !== undefined &&
    !(Number.isInteger(opset) && opset >= SUPPORTED_OPSETS.min && opset <= SUPPORTED_OPSETS.max)
  ) {
    throw new LossGraphError(
      'INVALID_OPTION',
      `ONNX opset ${opset} is not supported; choose ${SUPPORTED_OPSETS.min} to ${SUPPORTED_OPSETS.max}`,
      { option: 'opset' },
    );
  }
}
