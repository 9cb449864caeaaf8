import { at } from '../ir/at.js';
import type { Graph } from '../ir/graph.js';
import type { ValueInfo } from '../ir/types.js';
import { OPS } from '../ops/registry.js';

/**
 * Shape and dtype inference: recomputes every node output's type from its op rule, in order, and
 * returns a graph whose declared types are the inferred ones (inputs keep theirs). Rewrites that change
 * inputs' types call this, then verify.
 */
export function inferTypes(graph: Graph): Graph {
  const values: ValueInfo[] = [...graph.values];
  for (const node of graph.nodes) {
    const types = OPS[node.op].rule(
      node.inputs.map((i) => at(values, i)),
      node.attrs as never,
    );
    node.outputs.forEach((o, k) => {
      const { dtype, shape } = at(types, k);
      values[o] = { ...at(values, o), dtype, shape };
    });
  }
  return { ...graph, values };
}
