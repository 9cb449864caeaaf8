import { fail } from '../errors.js';
import { at, first } from '../ir/at.js';
import type { Graph } from '../ir/graph.js';
import type { Node } from '../ir/ops.js';
import { OPS } from '../ops/registry.js';
import { definedDims } from './data-dims.js';
import { eliminateDeadCode } from './dce.js';
import { attrSymbols } from './verify.js';

/** Largest tensor (in elements) that folding may materialise as a constant. */
const MAX_FOLDED_SIZE = 4096;

/**
 * Constant folding: a node whose inputs are all constants and whose attributes name no symbol is
 * evaluated by its reference kernel and replaced by a constant. A node that defines a data-dependent dim
 * is never folded (its dim would lose its definition). Folded floats are rounded to float32,
 * the precision every backend stores constants in. Dead constants are then dropped.
 */
export function foldConstants(graph: Graph): Graph {
  const known = new Map<number, Node<'constant'>>();
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    if (node.op === 'constant') {
      known.set(first(node.outputs), node as Node<'constant'>);
      nodes.push(node);
      continue;
    }
    const foldable =
      node.op !== 'stopGradient' &&
      node.inputs.every((i) => known.has(i)) &&
      attrSymbols(node.attrs).length === 0 &&
      definedDims(graph, node).length === 0;
    if (!foldable) {
      nodes.push(node);
      continue;
    }
    const ins = node.inputs.map((i) => {
      const c = known.get(i);
      if (c === undefined) fail('INVALID_GRAPH', `constant folding: value ${i} is not a known constant`);
      return first(OPS.constant.kernel([], c.attrs, {}));
    });
    const outs = OPS[node.op].kernel(ins, node.attrs as never, {});
    if (outs.some((t) => t.data.length > MAX_FOLDED_SIZE)) {
      nodes.push(node);
      continue;
    }
    outs.forEach((t, k) => {
      const values = Array.from(t.data, (v) => (t.dtype === 'float32' ? Math.fround(v) : v));
      const output = at(node.outputs, k);
      const c: Node<'constant'> = {
        op: 'constant',
        inputs: [],
        outputs: [output],
        attrs: { dtype: t.dtype, shape: [...t.shape], values },
      };
      known.set(output, c);
      nodes.push(c);
    });
  }
  return eliminateDeadCode({ ...graph, nodes });
}
