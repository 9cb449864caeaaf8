import { type Graph, valueInfo } from './graph.js';
import { shapeToString } from './shape.js';

function attrText(attrs: object): string {
  const parts = Object.entries(attrs).map(([k, v]) => {
    if (k === 'values' && Array.isArray(v) && v.length > 8) return `values=[${v.slice(0, 8).join(',')},… ${v.length}]`;
    return `${k}=${JSON.stringify(v)}`;
  });
  return parts.length ? ` {${parts.join(', ')}}` : '';
}

/** A readable listing: one line per input, node and output. */
export function printGraph(graph: Graph): string {
  const ty = (id: number) => {
    const v = valueInfo(graph, id);
    return `${v.dtype}${shapeToString(v.shape)}`;
  };
  const lines: string[] = [];
  for (const id of graph.inputs) lines.push(`input %${id} '${valueInfo(graph, id).name}': ${ty(id)}`);
  for (const n of graph.nodes) {
    const outs = n.outputs.map((o) => `%${o}: ${ty(o)}`).join(', ');
    lines.push(`${outs} = ${n.op}(${n.inputs.map((i) => `%${i}`).join(', ')})${attrText(n.attrs)}`);
  }
  for (const o of graph.outputs) lines.push(`output '${o.name}' = %${o.value}`);
  return lines.join('\n');
}

/** A structural hash (FNV-1a, 64-bit as hex) of a graph's content; equal graphs hash equal. Usable as a cache key. */
export function hashGraph(graph: Graph): string {
  const text = JSON.stringify({
    v: graph.values.map((v) => [v.dtype, v.shape, v.name ?? null]),
    n: graph.nodes.map((n) => [n.op, n.inputs, n.outputs, n.attrs]),
    i: graph.inputs,
    o: graph.outputs,
  });
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
