import { type Graph, type GraphOutput, valueInfo } from '../ir/graph.js';
import type { Node } from '../ir/ops.js';
import type { ValueInfo } from '../ir/types.js';

/** Rebuilds a graph keeping only `nodes` (in order) and the values they and the inputs/outputs use, ids compacted. */
export function compact(graph: Graph, nodes: readonly Node[], outputs: readonly GraphOutput[] = graph.outputs): Graph {
  const map = new Map<number, number>();
  const values: ValueInfo[] = [];
  const keep = (id: number): number => {
    let n = map.get(id);
    if (n === undefined) {
      n = values.length;
      map.set(id, n);
      values.push({ ...valueInfo(graph, id), id: n });
    }
    return n;
  };
  const inputs = graph.inputs.map(keep);
  const newNodes = nodes.map((node) => ({ ...node, inputs: node.inputs.map(keep), outputs: node.outputs.map(keep) }));
  return { values, nodes: newNodes, inputs, outputs: outputs.map((o) => ({ name: o.name, value: keep(o.value) })) };
}
