import { at } from '../ir/at.js';
import { type Graph, valueInfo } from '../ir/graph.js';
import type { Node } from '../ir/ops.js';
import { dimAt } from '../ir/shape.js';
import type { Dim, SymbolEnv } from '../ir/types.js';
import { OPS } from '../ops/registry.js';

/**
 * Data-dependent dims. Besides numbers and symbols bound by graph inputs (`B`, `P`), a dim may be a
 * symbol that one node *defines*: a size computed from the data when the graph runs, such as the k of
 * `topk` with a tensor k. Such a dim
 * - is named by the defining node's attributes (the builder picks a fresh name, `$k1`, ...), is defined
 *   by exactly one node, and is bound by no graph input (verify checks all three);
 * - may be used after its definition like any symbol: in later shapes and attributes (`range('$k1')`);
 * - is bound at run time from the defining node's actual output shape (interpreter and every backend do
 *   this with `bindDefinedDims`), so shape rules, broadcasting and attribute dims treat it as a symbol;
 * - keeps its defining node alive through dead-code elimination wherever a live node uses it, and its
 *   defining node is never constant-folded.
 */

/** Where a node's defined dim is read off: output `output`, axis `axis`. */
export interface DefinedDim {
  readonly dim: string;
  readonly output: number;
  readonly axis: number;
}

/** The data-dependent dims `node` defines, each with the first output and axis that carries it. */
export function definedDims(graph: Graph, node: Node): DefinedDim[] {
  const def = OPS[node.op];
  if (def.defines === undefined) return [];
  const dims = def.defines(
    node.inputs.map((i) => valueInfo(graph, i)),
    node.attrs as never,
  );
  return dims.map((dim) => {
    for (const [output, v] of node.outputs.entries()) {
      const axis = valueInfo(graph, v).shape.indexOf(dim);
      if (axis >= 0) return { dim, output, axis };
    }
    throw new Error(`${node.op} defines dim '${dim}' but no output carries it`);
  });
}

/** Binds the dims `node` defines from the shapes its outputs actually have (mutates `env`). */
export function bindDefinedDims(
  graph: Graph,
  node: Node,
  shapes: readonly (readonly number[])[],
  env: Record<string, number>,
): void {
  for (const d of definedDims(graph, node)) env[d.dim] = dimAt(at(shapes, d.output), d.axis);
}

/** Every symbol a shape or an attribute list names. */
export function dimSymbols(dims: readonly Dim[]): string[] {
  return dims.filter((d): d is string => typeof d === 'string');
}

/** `env` plus -1 for each symbol it lacks: a shape pattern for checking outputs whose dims are not bound yet. */
export function partialShape(shape: readonly Dim[], env: SymbolEnv): number[] {
  return shape.map((d) => (typeof d === 'number' ? d : (env[d] ?? -1)));
}
