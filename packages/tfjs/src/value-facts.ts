import { type Graph, type Node, valueInfo } from '@lossgraph/core';
import { signBounds } from './sign-facts.js';
import { uniformValues } from './uniform.js';

/** Ops whose output is a rearrangement (or copy) of their first input's elements. */
const REARRANGING = new Set<Node['op']>([
  'reshape',
  'expand',
  'unsqueeze',
  'squeeze',
  'transpose',
  'slice',
  'stopGradient',
]);

/** What is known about values before any run; lowerings use it to pick cheaper exact routes. */
export interface ValueFacts {
  /** values holding one known number in every element (see uniform.ts) */
  readonly uniform: ReadonlyMap<number, number>;
  /** int32 values holding 0, 1, ..., n-1 along their last axis, every other dim 1 (`range(n)`, unsqueezed) */
  readonly iota: ReadonlySet<number>;
  /**
   * float values with no positive element (NaN aside), from the signs the graph shows (see
   * sign-facts.ts): log-probabilities, `-|x|`, `-softplus` written as `-(max(x, 0) + log(1 + e^-|x|))`, ...
   */
  readonly nonPositive: ReadonlySet<number>;
}

export function valueFacts(graph: Graph): ValueFacts {
  const iota = new Set<number>();
  const uniform = uniformValues(graph);
  const onlyLastDim = (v: number) =>
    valueInfo(graph, v)
      .shape.slice(0, -1)
      .every((d) => d === 1);
  for (const node of graph.nodes) {
    const [x] = node.inputs;
    const [y] = node.outputs;
    if (y === undefined) continue;
    if (node.op === 'range') iota.add(y);
    else if (REARRANGING.has(node.op) && x !== undefined) {
      // reshapes that only add or drop leading 1s keep the run along the last axis
      if (
        iota.has(x) &&
        (node.op === 'unsqueeze' || node.op === 'reshape') &&
        onlyLastDim(y) &&
        valueInfo(graph, y).shape.at(-1) === valueInfo(graph, x).shape.at(-1)
      )
        iota.add(y);
    }
  }
  const nonPositive = new Set<number>();
  for (const [v, s] of signBounds(graph, uniform))
    if (s.hi <= 0 && valueInfo(graph, v).dtype === 'float32') nonPositive.add(v);
  return { uniform, iota, nonPositive };
}
