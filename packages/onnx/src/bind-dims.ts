import { type Dim, type Graph, LossGraphError, type Node, type SymbolEnv, verify } from '@lossgraph/core';

const DIM_ATTRS = new Set(['shape', 'k', 'length', 'depth']);

const bindDim = (d: Dim, env: SymbolEnv): Dim => (typeof d === 'string' && env[d] !== undefined ? env[d] : d);

/**
 * The graph with some symbolic dims fixed to numbers (e.g. `{ C: 21 }`): in every value's shape and in
 * the dims of attributes (reshape/expand shapes, topk k, range length, oneHot depth). The result is verified.
 */
export function bindDims(graph: Graph, env: SymbolEnv): Graph {
  for (const [sym, n] of Object.entries(env)) {
    if (!(Number.isInteger(n) && n >= 0))
      throw new LossGraphError('INVALID_OPTION', `dim '${sym}' must be a non-negative integer, got ${n}`);
  }
  const nodes = graph.nodes.map((node): Node => {
    const attrs: Record<string, unknown> = { ...node.attrs };
    for (const [k, v] of Object.entries(attrs)) {
      if (!DIM_ATTRS.has(k) || v === null) continue;
      attrs[k] = Array.isArray(v) ? (v as Dim[]).map((d) => bindDim(d, env)) : bindDim(v as Dim, env);
    }
    return { ...node, attrs: attrs as never };
  });
  const values = graph.values.map((v) => ({ ...v, shape: v.shape.map((d) => bindDim(d, env)) }));
  const bound: Graph = { ...graph, values, nodes };
  verify(bound);
  return bound;
}
