import type { Graph, Node } from '@lossgraph/core';

/** Ops whose output holds the same (single) value as their first input whenever that one is uniform. */
const PASS_THROUGH = new Set<Node['op']>([
  'reshape',
  'expand',
  'unsqueeze',
  'squeeze',
  'transpose',
  'slice',
  'stopGradient',
]);

/**
 * Values known before any run to hold one number in every element: uniform constants, and shape ops
 * or casts of them (e.g. `scalar(0).expand([B, P, C])`). Lowerings use it to fill rather than broadcast,
 * and to skip adding a tensor of zeros.
 */
export function uniformValues(graph: Graph): Map<number, number> {
  const known = new Map<number, number>();
  for (const node of graph.nodes) {
    const [x] = node.inputs;
    const [y] = node.outputs;
    if (y === undefined) continue;
    if (node.op === 'constant') {
      const { values } = (node as Node<'constant'>).attrs;
      const [v0] = values;
      if (v0 !== undefined && values.every((v) => Object.is(v, v0))) known.set(y, v0);
      continue;
    }
    const v = x === undefined ? undefined : known.get(x);
    if (v === undefined) continue;
    if (PASS_THROUGH.has(node.op)) known.set(y, v);
    else if (node.op === 'cast') {
      const to = (node as Node<'cast'>).attrs.to;
      known.set(y, to === 'bool' ? Number(v !== 0) : to === 'int32' ? Math.trunc(v) : v);
    }
  }
  return known;
}
