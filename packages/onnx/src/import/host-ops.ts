import { type HostKind, type HostTensor, hostTensor, sizeOfShape, stridesOf } from './host-tensor.js';

/** numpy broadcasting of two shapes, or undefined when they do not broadcast */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The flat index into a tensor of `shape` (broadcast to `out`) of each element of `out`. */
function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const strides = stridesOf(shape);
  const offset = out.length - shape.length;
  const n = sizeOfShape(out);
  const idx = new Int32Array(n);
  const outStrides = stridesOf(out);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let ax = 0; ax < shape.length; ax++) {
      const pos = Math.floor(i / (outStrides[ax + offset] ?? 1)) % (out[ax + offset] ?? 1);
      if ((shape[ax] ?? 1) !== 1) src += pos * (strides[ax] ?? 0);
    }
    idx[i] = src;
  }
  return idx;
}

/** An elementwise function of host tensors, broadcasting; undefined when the shapes do not broadcast. */
export function mapHost(
  kind: HostKind,
  inputs: readonly HostTensor[],
  f: (...xs: number[]) => number,
): HostTensor | undefined {
  let shape: number[] | undefined = [];
  for (const t of inputs) shape = shape && broadcastShape(shape, t.shape);
  if (shape === undefined) return undefined;
  const out = shape;
  const index = inputs.map((t) => broadcastIndex(t.shape, out));
  const data = new Float64Array(sizeOfShape(out));
  const args = new Array<number>(inputs.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    inputs.forEach((t, k) => {
      args[k] = t.data[index[k]?.[i] ?? 0] ?? 0;
    });
    data[i] = f(...args);
  }
  return { kind, shape: out, data };
}

/** x.transpose(perm) */
export function transposeHost(x: HostTensor, perm: readonly number[]): HostTensor {
  const shape = perm.map((p) => x.shape[p] ?? 1);
  const inStrides = stridesOf(x.shape);
  const outStrides = stridesOf(shape);
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < data.length; i++) {
    let src = 0;
    perm.forEach((p, ax) => {
      src += (Math.floor(i / (outStrides[ax] ?? 1)) % (shape[ax] ?? 1)) * (inStrides[p] ?? 0);
    });
    data[i] = x.data[src] ?? 0;
  }
  return { kind: x.kind, shape, data };
}

/** elements `indices` (non-negative) of `x` along `axis`; `indexShape` replaces that axis */
export function gatherHost(
  x: HostTensor,
  axis: number,
  indices: readonly number[],
  indexShape: readonly number[],
): HostTensor {
  const outer = sizeOfShape(x.shape.slice(0, axis));
  const size = x.shape[axis] ?? 1;
  const inner = sizeOfShape(x.shape.slice(axis + 1));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const k of indices) {
      for (let j = 0; j < inner; j++) data.push(x.data[(o * size + k) * inner + j] ?? 0);
    }
  }
  return hostTensor(x.kind, [...x.shape.slice(0, axis), ...indexShape, ...x.shape.slice(axis + 1)], data);
}

/** concatenation along `axis` */
export function concatHost(parts: readonly HostTensor[], axis: number): HostTensor {
  const [first] = parts;
  if (first === undefined) return hostTensor('int', [0], []);
  const outer = sizeOfShape(first.shape.slice(0, axis));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = sizeOfShape(p.shape.slice(axis));
      for (let j = 0; j < chunk; j++) data.push(p.data[o * chunk + j] ?? 0);
    }
  }
  const size = parts.reduce((s, p) => s + (p.shape[axis] ?? 0), 0);
  return hostTensor(first.kind, [...first.shape.slice(0, axis), size, ...first.shape.slice(axis + 1)], data);
}
