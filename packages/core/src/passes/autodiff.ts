import { GraphBuilder, type Tensor } from '../builder.js';
import { fail } from '../errors.js';
import { nonEmpty } from '../ir/at.js';
import { type Graph, inputName, valueInfo } from '../ir/graph.js';
import { sameShape, shapeToString } from '../ir/shape.js';
import { vjpGrads } from '../ops/define.js';
import { OPS } from '../ops/registry.js';

export interface GradientRequest {
  /** scalar float outputs whose sum is differentiated */
  readonly of: readonly string[];
  /** graph input name -> name of the new output holding d(sum of `of`)/d(input) */
  readonly wrt: Readonly<Record<string, string>>;
}

/**
 * Reverse-mode autodiff, graph -> graph: appends the backward pass for `request` to `graph` and returns
 * the extended graph. Only float32 values carry gradients; ops whose VJP is null (comparisons, argMax,
 * casts, stopGradient, ...) stop them. An input the outputs do not depend on gets a zero gradient.
 */
export function appendGradients(graph: Graph, request: GradientRequest): Graph {
  const b = GraphBuilder.extend(graph);
  const byName = new Map(graph.inputs.map((id) => [inputName(graph, id), id]));
  const inputId = (name: string): number => {
    const id = byName.get(name);
    if (id === undefined) fail('INVALID_GRAPH', `gradient requested for unknown input '${name}'`);
    return id;
  };

  // values that depend differentiably on a requested input
  const active = new Set<number>();
  for (const name of Object.keys(request.wrt)) {
    const id = inputId(name);
    if (valueInfo(graph, id).dtype !== 'float32')
      fail('INVALID_GRAPH', `gradient requested for non-float input '${name}'`);
    active.add(id);
  }
  for (const node of graph.nodes) {
    if (OPS[node.op].vjp === null || !node.inputs.some((i) => active.has(i))) continue;
    for (const o of node.outputs) if (valueInfo(graph, o).dtype === 'float32') active.add(o);
  }

  const grads = new Map<number, Tensor>();
  const accumulate = (id: number, g: Tensor): void => {
    const prev = grads.get(id);
    grads.set(id, prev === undefined ? g : prev.add(g));
  };
  for (const name of request.of) {
    const out = graph.outputs.find((o) => o.name === name);
    if (out === undefined) fail('INVALID_GRAPH', `gradient of unknown output '${name}'`);
    const v = valueInfo(graph, out.value);
    if (v.dtype !== 'float32' || v.shape.length !== 0)
      fail('INVALID_GRAPH', `gradient of '${name}' needs a float32 scalar, got ${v.dtype}${shapeToString(v.shape)}`);
    if (active.has(out.value)) accumulate(out.value, b.scalar(1));
  }

  for (const node of [...graph.nodes].reverse()) {
    const vjp = OPS[node.op].vjp;
    if (vjp === null || !node.outputs.some((o) => grads.has(o))) continue;
    if (!node.inputs.some((i) => active.has(i))) continue;
    const inGrads = vjp({
      inputs: node.inputs.map((i) => b.tensor(i)),
      outputs: nonEmpty(
        node.outputs.map((o) => b.tensor(o)),
        `outputs of ${node.op}`,
      ),
      grads: vjpGrads(
        node.op,
        node.outputs.map((o) => grads.get(o)),
      ),
      attrs: node.attrs as never,
    });
    node.inputs.forEach((i, k) => {
      const g = inGrads[k];
      if (g === undefined || !active.has(i)) return;
      const v = valueInfo(graph, i);
      if (g.dtype !== v.dtype || !sameShape(g.shape, v.shape)) {
        fail(
          'INVALID_GRAPH',
          `VJP of ${node.op} gave ${g.dtype}${shapeToString(g.shape)} for an input of ${v.dtype}${shapeToString(v.shape)}`,
        );
      }
      accumulate(i, g);
    });
  }

  for (const [name, outName] of Object.entries(request.wrt)) {
    const id = inputId(name);
    b.output(outName, grads.get(id) ?? b.scalar(0).expand(valueInfo(graph, id).shape));
  }
  return b.build();
}
