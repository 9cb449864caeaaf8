import {
  definedDims,
  type Graph,
  LossGraphError,
  type Node,
  type OpName,
  symbolSources,
  type ValueInfo,
} from '@lossgraph/core';
import { OnnxEmitter } from './emitter.js';
import type { LoweringContext, OutputSlot } from './lower/context.js';
import { LOWERINGS } from './lower/table.js';
import type { OnnxProvider } from './provider.js';

/** A lowered graph: the emitter's nodes and initializers, with graph inputs and outputs by ONNX name. */
export interface LoweredGraph {
  readonly emitter: OnnxEmitter;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly { readonly name: string; readonly value: ValueInfo }[];
}

/**
 * Lowers every IR node through the table. Graph inputs keep their IR names; a graph output's producing
 * node writes straight into the output's name, so no copies are added except where one value leaves the
 * graph under two names or is a graph input itself.
 */
export function lowerGraph(graph: Graph, options: { readonly provider?: OnnxProvider } = {}): LoweredGraph {
  const inputs = graph.inputs.map((id) => graph.values[id]!);
  const emitter = new OnnxEmitter(symbolSources(graph), options.provider);
  const names = new Map<number, string>();
  for (const v of inputs) {
    emitter.declare(v.name!, v.dtype);
    emitter.carry(v.name!, v.shape);
    names.set(v.id, v.name!);
  }
  // the first output naming a value (not a graph input) gets that value written under its name
  const reservedFor = new Map<number, string>();
  for (const o of graph.outputs) {
    if (inputs.some((v) => v.name === o.name)) {
      throw new LossGraphError(
        'INVALID_GRAPH',
        `output '${o.name}' has the name of a graph input; ONNX needs distinct names`,
      );
    }
    emitter.reserve(o.name);
    if (!names.has(o.value) && !reservedFor.has(o.value)) reservedFor.set(o.value, o.name);
  }

  for (const node of graph.nodes) lowerNode(node, graph, emitter, names, reservedFor);

  for (const o of graph.outputs) {
    const name = names.get(o.value)!;
    if (name !== o.name) emitter.op('Identity', [name], { name: o.name, dtype: graph.values[o.value]!.dtype });
  }
  return { emitter, inputs, outputs: graph.outputs.map((o) => ({ name: o.name, value: graph.values[o.value]! })) };
}

function lowerNode(
  node: Node,
  graph: Graph,
  e: OnnxEmitter,
  names: Map<number, string>,
  reservedFor: ReadonlyMap<number, string>,
): void {
  const slots = new Map<number, OutputSlot>();
  const slot = (k: number): OutputSlot => {
    let s = slots.get(k);
    if (s === undefined) {
      const v = graph.values[node.outputs[k]!]!;
      s = { name: reservedFor.get(v.id) ?? e.fresh(v.name ?? node.op), dtype: v.dtype };
      slots.set(k, s);
    }
    return s;
  };
  const ctx: LoweringContext<OpName> = {
    e,
    attrs: node.attrs,
    inputs: node.inputs.map((i) => names.get(i)!),
    inputTypes: node.inputs.map((i) => graph.values[i]!),
    outputTypes: node.outputs.map((o) => graph.values[o]!),
    out: slot,
    alias(k, name) {
      const v = node.outputs[k]!;
      const reserved = reservedFor.get(v);
      if (reserved === undefined) names.set(v, name);
      else e.op('Identity', [name], slot(k));
    },
  };
  (LOWERINGS[node.op] as (c: LoweringContext<OpName>) => void)(ctx);
  node.outputs.forEach((v, k) => {
    if (names.has(v)) return;
    const s = slots.get(k);
    if (s === undefined)
      throw new LossGraphError('UNSUPPORTED_OP', `onnx: the lowering of '${node.op}' produced no output ${k}`);
    names.set(v, s.name);
  });
  // data-dependent dims are read off the defining node's output (Shape -> Slice) where later nodes need them
  for (const d of definedDims(graph, node)) {
    const output = node.outputs[d.output]!;
    e.defineSymbol(d.dim, { input: names.get(output)!, axis: d.axis });
    e.carry(names.get(output)!, graph.values[output]!.shape);
  }
}
