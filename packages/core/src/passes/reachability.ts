import type { Graph } from '../ir/graph.js';
import { OPS } from '../ops/registry.js';

/**
 * The values the named outputs depend on differentiably: walking back from them through every node
 * with a VJP (comparisons, argMax, casts, stopGradient... pass nothing back). A graph input outside this
 * set is one whose gradient PyTorch leaves as None: it takes no part in the outputs' autograd graph.
 */
export function differentiableAncestors(graph: Graph, outputs: readonly string[]): Set<number> {
  const needed = new Set<number>();
  for (const name of outputs) {
    const o = graph.outputs.find((x) => x.name === name);
    if (o !== undefined) needed.add(o.value);
  }
  for (let n = graph.nodes.length - 1; n >= 0; n--) {
    const node = graph.nodes[n]!;
    if (OPS[node.op].vjp === null || !node.outputs.some((o) => needed.has(o))) continue;
    for (const i of node.inputs) if (graph.values[i]!.dtype === 'float32') needed.add(i);
  }
  return needed;
}
