import { type Graph, valueInfo } from '../ir/graph.js';
import { definedDims, dimSymbols } from './data-dims.js';
import { compact } from './renumber.js';
import { attrSymbols } from './verify.js';

/**
 * Dead-code elimination: drops nodes none of whose outputs reach a graph output, except a node that
 * defines a data-dependent dim some kept node uses (in its attributes or shapes). Inputs always stay.
 */
export function eliminateDeadCode(graph: Graph): Graph {
  const live = new Set<number>(graph.outputs.map((o) => o.value));
  const liveDims = new Set<string>(graph.outputs.flatMap((o) => dimSymbols(valueInfo(graph, o.value).shape)));
  const kept = [];
  for (const node of [...graph.nodes].reverse()) {
    if (node.outputs.some((o) => live.has(o)) || definedDims(graph, node).some((d) => liveDims.has(d.dim))) {
      kept.push(node);
      for (const i of node.inputs) live.add(i);
      for (const s of attrSymbols(node.attrs)) liveDims.add(s);
      for (const v of [...node.inputs, ...node.outputs])
        for (const s of dimSymbols(valueInfo(graph, v).shape)) liveDims.add(s);
    }
  }
  return compact(graph, kept.reverse());
}
