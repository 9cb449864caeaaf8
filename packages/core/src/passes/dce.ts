import type { Graph } from '../ir/graph.js';
import { compact } from './renumber.js';

/** Dead-code elimination: drops nodes none of whose outputs reach a graph output. Inputs always stay. */
export function eliminateDeadCode(graph: Graph): Graph {
  const live = new Set<number>(graph.outputs.map((o) => o.value));
  const kept = [];
  for (let n = graph.nodes.length - 1; n >= 0; n--) {
    const node = graph.nodes[n]!;
    if (node.outputs.some((o) => live.has(o))) {
      kept.push(node);
      for (const i of node.inputs) live.add(i);
    }
  }
  return compact(graph, kept.reverse());
}
