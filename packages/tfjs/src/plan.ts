import { at, type Graph, type GraphOutput, type Node } from '@lossgraph/core';
import { fail } from './errors.js';
import { type ValueFacts, valueFacts } from './value-facts.js';

/** What one run executes: the nodes the requested outputs need, and when each value can be freed. */
export interface Plan {
  readonly graph: Graph;
  readonly outputs: readonly GraphOutput[];
  /** needed non-constant nodes, in graph order */
  readonly nodes: readonly Node[];
  /** per node of `nodes`: the values last used (or, if unused, produced) there, freed right after it */
  readonly freeAfter: readonly (readonly number[])[];
  /** what is known about values before the run */
  readonly facts: ValueFacts;
}

/** Plans the run of `graph` for the outputs named (all when omitted); constants are supplied pre-made. */
export function makePlan(graph: Graph, names?: readonly string[], facts: ValueFacts = valueFacts(graph)): Plan {
  const outputs = (names ?? graph.outputs.map((o) => o.name)).map((name) => {
    const o = graph.outputs.find((x) => x.name === name);
    if (o === undefined)
      fail('INVALID_GRAPH', `graph has no output '${name}' (outputs: ${graph.outputs.map((x) => x.name).join(', ')})`);
    return o;
  });
  const live = new Set(outputs.map((o) => o.value));
  const needed: Node[] = [];
  for (const node of [...graph.nodes].reverse()) {
    if (node.op === 'constant' || !node.outputs.some((v) => live.has(v))) continue;
    needed.push(node);
    for (const v of node.inputs) live.add(v);
  }
  needed.reverse();
  const keep = new Set(outputs.map((o) => o.value));
  const lastUse = new Map<number, number>();
  needed.forEach((node, k) => {
    for (const v of node.outputs) lastUse.set(v, k);
    for (const v of node.inputs) lastUse.set(v, k);
  });
  const produced = new Set(needed.flatMap((node) => node.outputs));
  const freeAfter = needed.map(() => [] as number[]);
  for (const [v, k] of lastUse) if (produced.has(v) && !keep.has(v)) at(freeAfter, k).push(v);
  return { graph, outputs, nodes: needed, freeAfter, facts };
}
