import type { OnnxProto } from '../proto.js';
import { decodeTensor, type OnnxNode, toNumber } from './decode.js';
import { invalidNode } from './errors.js';
import type { HostTensor } from './host-tensor.js';

/** Typed reads of a node's attributes, with ONNX's defaults. */
export class NodeAttributes {
  constructor(private readonly node: OnnxNode) {}

  has(name: string): boolean {
    return this.node.attributes.has(name);
  }

  int(name: string, fallback: number): number {
    const a = this.node.attributes.get(name);
    return a === undefined ? fallback : toNumber(a.i);
  }

  float(name: string, fallback: number): number {
    const a = this.node.attributes.get(name);
    return a === undefined ? fallback : shortestFloat32(a.f ?? 0);
  }

  string(name: string, fallback: string): string {
    const a = this.node.attributes.get(name);
    return a === undefined ? fallback : new TextDecoder().decode(a.s ?? new Uint8Array());
  }

  ints(name: string): number[] | undefined {
    const a = this.node.attributes.get(name);
    return a === undefined ? undefined : (a.ints ?? []).map(toNumber);
  }

  tensor(name: string): HostTensor | undefined {
    const a: OnnxProto.IAttributeProto | undefined = this.node.attributes.get(name);
    if (a === undefined) return undefined;
    if (a.t === null || a.t === undefined) invalidNode(this.node, `attribute '${name}' holds no tensor`);
    return decodeTensor(a.t, `attribute '${name}' of node '${this.node.name}'`);
  }
}

/**
 * The shortest decimal that rounds to the same float32 as `v`: an exporter writes `0.1` as the float32
 * 0.100000001490116, and the model meant 0.1.
 */
export function shortestFloat32(v: number): number {
  const f = Math.fround(v);
  for (let digits = 1; digits < 10; digits++) {
    const d = Number(f.toPrecision(digits));
    if (Math.fround(d) === f) return d;
  }
  return f;
}
