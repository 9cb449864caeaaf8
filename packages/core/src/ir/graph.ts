import { fail } from '../errors.js';
import type { Node } from './ops.js';
import type { ValueInfo } from './types.js';

export interface GraphOutput {
  readonly name: string;
  readonly value: number;
}

/**
 * An SSA tensor graph. `values[i].id === i`; nodes are topologically ordered; graph inputs are values
 * with a name and no defining node. Plain data: it serialises to JSON and back unchanged.
 */
export interface Graph {
  readonly values: readonly ValueInfo[];
  readonly nodes: readonly Node[];
  readonly inputs: readonly number[];
  readonly outputs: readonly GraphOutput[];
}

/** The value `id` of a graph (a node's input or output, a graph input or output: ids the graph holds). */
export function valueInfo(graph: Graph, id: number): ValueInfo {
  const v = graph.values[id];
  if (v === undefined) fail('INVALID_GRAPH', `value ${id} is not in the graph (${graph.values.length} values)`);
  return v;
}

/** The name of graph input `id` (every graph input has one). */
export function inputName(graph: Graph, id: number): string {
  const { name } = valueInfo(graph, id);
  if (name === undefined) fail('INVALID_GRAPH', `graph input ${id} has no name`);
  return name;
}

export function inputInfo(graph: Graph, name: string): ValueInfo | undefined {
  return graph.inputs.map((id) => valueInfo(graph, id)).find((v) => v.name === name);
}

export function outputNames(graph: Graph): string[] {
  return graph.outputs.map((o) => o.name);
}

export function outputValue(graph: Graph, name: string): ValueInfo | undefined {
  const o = graph.outputs.find((x) => x.name === name);
  return o === undefined ? undefined : graph.values[o.value];
}

/** For each symbolic dim, the first graph input and axis that carries it (where runtimes read its size). */
export function symbolSources(graph: Graph): Map<string, { input: string; axis: number }> {
  const out = new Map<string, { input: string; axis: number }>();
  for (const id of graph.inputs) {
    const input = inputName(graph, id);
    valueInfo(graph, id).shape.forEach((d, axis) => {
      if (typeof d === 'string' && !out.has(d)) out.set(d, { input, axis });
    });
  }
  return out;
}
