import { fail, LossGraphError } from '../errors.js';
import { type Graph, valueInfo } from '../ir/graph.js';
import { sameShape, shapeToString } from '../ir/shape.js';
import type { Dim, ValueType } from '../ir/types.js';
import { arityAccepts } from '../ops/define.js';
import { OPS } from '../ops/registry.js';

/** Symbols named in a node's attributes (they must be bound by some graph input). */
export function attrSymbols(attrs: object): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if ((k === 'shape' || k === 'k' || k === 'length' || k === 'depth') && v !== null) {
      for (const d of (Array.isArray(v) ? v : [v]) as Dim[]) if (typeof d === 'string') out.push(d);
    }
  }
  return out;
}

/**
 * Checks that a graph is well formed: values indexed by id, SSA (each value defined once, before use),
 * named unique inputs and outputs, every node's declared output types equal to its op's rule, and every
 * symbol bound before its use: by an input shape, or as a data-dependent dim by exactly one earlier node
 * (see data-dims.ts). Throws LossGraphError('INVALID_GRAPH') naming the node.
 */
export function verify(graph: Graph): void {
  const defined = new Uint8Array(graph.values.length);
  graph.values.forEach((v, i) => {
    if (v.id !== i) fail('INVALID_GRAPH', `value at position ${i} has id ${v.id}`);
  });
  const names = new Set<string>();
  const bound = new Set<string>();
  for (const id of graph.inputs) {
    const v = graph.values[id];
    if (v === undefined || v.name === undefined) fail('INVALID_GRAPH', `input %${id} is missing or unnamed`);
    if (names.has(v.name)) fail('INVALID_GRAPH', `duplicate input '${v.name}'`);
    if (defined[id]) fail('INVALID_GRAPH', `input %${id} defined twice`);
    names.add(v.name);
    defined[id] = 1;
    for (const d of v.shape) if (typeof d === 'string') bound.add(d);
  }
  graph.nodes.forEach((node, n) => {
    const where = `node ${n} (${node.op})`;
    const def = OPS[node.op];
    if (def === undefined) fail('INVALID_GRAPH', `${where}: unknown op`);
    if (!arityAccepts(def.arity, node.inputs.length))
      fail('INVALID_GRAPH', `${where}: ${node.inputs.length} inputs do not fit arity ${JSON.stringify(def.arity)}`);
    for (const i of node.inputs) if (!defined[i]) fail('INVALID_GRAPH', `${where}: input %${i} used before definition`);
    let defines: readonly string[] = [];
    try {
      defines =
        def.defines?.(
          node.inputs.map((i) => valueInfo(graph, i)),
          node.attrs as never,
        ) ?? [];
    } catch (e) {
      if (LossGraphError.isInstance(e)) fail('INVALID_GRAPH', `${where}: ${e.message}`);
      throw e;
    }
    for (const s of attrSymbols(node.attrs)) {
      if (!bound.has(s) && !defines.includes(s))
        fail('INVALID_GRAPH', `${where}: symbol '${s}' is bound by no input and defined by no earlier node`);
    }
    for (const s of defines) {
      if (bound.has(s))
        fail('INVALID_GRAPH', `${where}: data-dependent dim '${s}' is already bound (by an input or an earlier node)`);
      bound.add(s);
    }
    let types: ValueType[];
    try {
      types = def.rule(
        node.inputs.map((i) => valueInfo(graph, i)),
        node.attrs as never,
      );
    } catch (e) {
      if (LossGraphError.isInstance(e)) fail('INVALID_GRAPH', `${where}: ${e.message}`);
      throw e;
    }
    if (types.length !== node.outputs.length)
      fail('INVALID_GRAPH', `${where}: ${node.outputs.length} outputs, rule gives ${types.length}`);
    node.outputs.forEach((o, k) => {
      const v = graph.values[o];
      if (v === undefined) fail('INVALID_GRAPH', `${where}: output %${o} does not exist`);
      if (defined[o]) fail('INVALID_GRAPH', `${where}: output %${o} defined twice (not SSA)`);
      defined[o] = 1;
      const t = types[k];
      if (t === undefined) fail('INVALID_GRAPH', `${where}: the rule gives no type for output ${k}`);
      if (t.dtype !== v.dtype || !sameShape(t.shape, v.shape)) {
        fail(
          'INVALID_GRAPH',
          `${where}: output %${o} declared ${v.dtype}${shapeToString(v.shape)}, rule gives ${t.dtype}${shapeToString(t.shape)}`,
        );
      }
    });
  });
  const outNames = new Set<string>();
  for (const o of graph.outputs) {
    if (outNames.has(o.name)) fail('INVALID_GRAPH', `duplicate output '${o.name}'`);
    if (!defined[o.value]) fail('INVALID_GRAPH', `output '${o.name}' refers to undefined %${o.value}`);
    outNames.add(o.name);
  }
}
