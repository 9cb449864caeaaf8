import type { GraphBuilder, Tensor } from '../builder.js';
import { fail } from '../errors.js';
import { type Graph, inputName, valueInfo } from '../ir/graph.js';
import type { OpAttrs, OpName } from '../ir/ops.js';
import { dimAt, shapeToString } from '../ir/shape.js';
import type { Dim, Shape } from '../ir/types.js';
import { OPS } from '../ops/registry.js';

/** What each symbol of a graph stands for where it is inlined: a size, or a symbol of the target builder. */
export type DimBinding = Readonly<Record<string, Dim>>;

/** The attributes that may name dims (verify.ts's attrSymbols reads the same ones). */
const DIM_ATTRS = ['shape', 'k', 'length', 'depth'] as const;

/**
 * Binds the symbols of `pattern` (a graph input's declared shape) to the dims of `actual` (the tensor fed
 * in its place), adding to `env`. A fixed size must match exactly; a symbol already bound must bind the
 * same way again. Fails with SHAPE_MISMATCH naming `what` (the input and the tensor fed to it).
 */
export function unifyShape(pattern: Shape, actual: Shape, env: Record<string, Dim>, what: string): void {
  const mismatch = (why: string): never =>
    fail('SHAPE_MISMATCH', `${what}: expected shape ${shapeToString(pattern)}, got ${shapeToString(actual)} (${why})`, {
      expected: pattern,
      actual,
    });
  if (pattern.length !== actual.length) mismatch(`rank ${actual.length}, expected ${pattern.length}`);
  pattern.forEach((p, axis) => {
    const a = dimAt(actual, axis);
    if (typeof p === 'number') {
      if (p !== a) mismatch(`axis ${axis} is ${a}, expected ${p}`);
      return;
    }
    const bound = env[p];
    if (bound === undefined) env[p] = a;
    else if (bound !== a) mismatch(`axis ${axis} is ${a}, but ${p} is already ${bound}`);
  });
}

/** `shape` with every symbol bound in `env` replaced (symbols it lacks stay). */
export function substituteShape(shape: Shape, env: DimBinding): Dim[] {
  return shape.map((d) => (typeof d === 'string' ? (env[d] ?? d) : d));
}

function substituteAttrs<K extends OpName>(attrs: OpAttrs[K], env: DimBinding): OpAttrs[K] {
  const out: Record<string, unknown> = { ...attrs };
  for (const key of DIM_ATTRS) {
    const v = (attrs as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    const next = Array.isArray(v) ? substituteShape(v as Dim[], env) : typeof v === 'string' ? (env[v] ?? v) : v;
    out[key] = next;
  }
  return out as OpAttrs[K];
}

/**
 * Copies `graph`'s nodes into the builder `b` with each graph input replaced by the tensor given for it
 * in `inputs`, and returns the copies of the graph's outputs by name. The graph's symbolic dims are bound
 * from the tensors given (a fixed size, or a symbol of `b`), and every data-dependent dim the graph
 * defines gets a fresh name in `b`, so graphs built apart (a model and a loss) compose without clashes.
 * Every copied node is re-typed by its op's rule, so the result is as well typed as a built graph.
 * Fails with MISSING_INPUT for an input without a tensor, INVALID_GRAPH for a tensor no input takes,
 * and DTYPE_MISMATCH / SHAPE_MISMATCH naming the input and the tensor fed to it.
 */
export function inlineGraph(
  b: GraphBuilder,
  graph: Graph,
  inputs: Readonly<Record<string, Tensor>>,
): Record<string, Tensor> {
  const env: Record<string, Dim> = {};
  const copies = new Map<number, Tensor>();
  const names = new Set<string>();
  for (const id of graph.inputs) {
    const v = valueInfo(graph, id);
    const name = inputName(graph, id);
    names.add(name);
    const t = inputs[name];
    if (t === undefined)
      fail('MISSING_INPUT', `inlining a graph: no tensor given for its input '${name}'`, { tensor: name });
    const what = `inlined graph input '${name}'`;
    if (t.dtype !== v.dtype)
      fail('DTYPE_MISMATCH', `${what}: expected ${v.dtype}, got ${t.dtype}`, {
        tensor: name,
        expected: v.dtype,
        actual: t.dtype,
      });
    unifyShape(v.shape, t.shape, env, what);
    copies.set(id, t);
  }
  for (const name of Object.keys(inputs))
    if (!names.has(name)) fail('INVALID_GRAPH', `inlining a graph: it has no input '${name}'`, { tensor: name });

  for (const [n, node] of graph.nodes.entries()) {
    const def = OPS[node.op];
    const defined =
      def.defines?.(
        node.inputs.map((i) => valueInfo(graph, i)),
        node.attrs as never,
      ) ?? [];
    for (const d of defined) env[d] = b.dataDim(d.replace(/^\$/, '').replace(/\d+$/, '') || 'k');
    const args = node.inputs.map((i) => {
      const t = copies.get(i);
      if (t === undefined) fail('INVALID_GRAPH', `inlining a graph: node ${n} (${node.op}) reads undefined %${i}`);
      return t;
    });
    const outs = b.apply(node.op, args, substituteAttrs(node.attrs, env) as never);
    for (const [k, o] of node.outputs.entries()) copies.set(o, outs[k]!);
  }
  return Object.fromEntries(graph.outputs.map((o) => [o.name, copies.get(o.value)!]));
}
