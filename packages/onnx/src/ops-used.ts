import type { Graph } from '@lossgraph/core';
import type { OnnxDType } from './dtypes.js';
import { lowerGraph } from './lower-graph.js';
import { ONNX_OPSET, prepareGraph } from './model.js';
import type { OnnxProvider } from './provider.js';

/** One kind of ONNX node an emitted model holds: what a runtime needs a kernel for. */
export interface OnnxOpUse {
  readonly opType: string;
  /** '' is the default ONNX domain */
  readonly domain: string;
  /** the model's opset for that domain (a kernel must cover it) */
  readonly opset: number;
  /** element type of each input ('' for an omitted optional input) */
  readonly inputTypes: readonly (OnnxDType | '')[];
  readonly outputTypes: readonly OnnxDType[];
}

/**
 * Every distinct (op type, domain, opset, input and output types) in the model `toOnnxModel(graph)`
 * emits (for `options.provider`), sorted by op type. Used to check a runtime's kernel coverage (the CUDA and
 * WebGPU execution providers).
 */
export function onnxOpsUsed(
  graph: Graph,
  options: { readonly opset?: number; readonly provider?: OnnxProvider } = {},
): OnnxOpUse[] {
  const { emitter } = lowerGraph(prepareGraph(graph), options.provider === undefined ? {} : options);
  const opset = options.opset ?? ONNX_OPSET;
  const seen = new Map<string, OnnxOpUse>();
  for (const n of emitter.nodes) {
    const use: OnnxOpUse = {
      opType: n.opType!,
      domain: n.domain ?? '',
      opset,
      inputTypes: n.input!.map((i) => (i === '' ? '' : emitter.dtypeOf(i))),
      outputTypes: n.output!.map((o) => emitter.dtypeOf(o)),
    };
    const key = JSON.stringify(use);
    if (!seen.has(key)) seen.set(key, use);
  }
  return [...seen.values()].sort(
    (a, b) => a.opType.localeCompare(b.opType) || JSON.stringify(a).localeCompare(JSON.stringify(b)),
  );
}
