import { type Dim, LossGraphError, type Shape } from '@lossgraph/core';
import { ONNX_ELEM_TYPE, type OnnxDType, rawBytes } from './dtypes.js';
import { type OnnxProto, onnx } from './proto.js';
import type { OnnxProvider } from './provider.js';

/** An attribute value as the lowerings write it: numbers are ints; `{ float }` marks a FLOAT attribute. */
export type AttrValue = number | readonly number[] | string | { readonly float: number };

/** Where a symbolic dim is read at run time: a tensor (a graph input, or the output of the node that defines a data-dependent dim) by its ONNX name, and an axis. */
export type SymbolSource = { readonly input: string; readonly axis: number };

const INT64_MAX = 9223372036854775807n;

/** Largest static size an axis is broadcast to by concatenating copies rather than by Expand. */
const MAX_CONCAT_COPIES = 16;

/**
 * Accumulates the ONNX nodes and initializers of one graph. Knows the element type of every tensor it
 * names, caches constants and the in-graph computations of symbolic dims (Shape -> ... once per symbol).
 */
export class OnnxEmitter {
  readonly nodes: OnnxProto.INodeProto[] = [];
  readonly initializers: OnnxProto.ITensorProto[] = [];
  private readonly dtypes = new Map<string, OnnxDType>();
  private readonly used = new Set<string>();
  private readonly cache = new Map<string, string>();
  private readonly carriers: { readonly name: string; readonly shape: Shape }[] = [];
  private counter = 0;

  private readonly symbols: Map<string, SymbolSource>;

  /** the execution provider the model is for: lowerings pick kernels it has (see provider.ts) */
  readonly provider: OnnxProvider;

  constructor(symbols: ReadonlyMap<string, SymbolSource>, provider: OnnxProvider = 'cpu') {
    this.symbols = new Map(symbols);
    this.provider = provider;
  }

  /** Whether the model is for onnxruntime-web's WebGPU provider, which lacks some kernels (see provider.ts). */
  get webgpu(): boolean {
    return this.provider === 'webgpu';
  }

  /** Declares where a data-dependent dim is read: the defining node's output `input`, axis `axis`. */
  defineSymbol(dim: string, source: SymbolSource): void {
    this.symbols.set(dim, source);
  }

  /** Registers an externally named tensor (a graph input) with its type. */
  declare(name: string, dtype: OnnxDType): void {
    this.used.add(name);
    this.dtypes.set(name, dtype);
  }

  /** Reserves a name (a graph output) so that fresh names never take it. */
  reserve(name: string): void {
    this.used.add(name);
  }

  dtypeOf(name: string): OnnxDType {
    const d = this.dtypes.get(name);
    if (d === undefined) throw new Error(`onnx emitter: unknown tensor '${name}'`);
    return d;
  }

  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /**
   * Appends a node. `outputs` gives each output's type and, optionally, its name (otherwise a fresh one).
   * Returns the output names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly (OnnxDType | { readonly name: string; readonly dtype: OnnxDType })[],
    attrs: Readonly<Record<string, AttrValue>> = {},
  ): string[] {
    const names = outputs.map((o) => {
      const name = typeof o === 'string' ? this.fresh(opType) : o.name;
      this.used.add(name);
      this.dtypes.set(name, typeof o === 'string' ? o : o.dtype);
      return name;
    });
    for (const i of inputs) if (i !== '') this.dtypeOf(i);
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
    });
    return names;
  }

  /** One-output node; returns the output name. */
  op(
    opType: string,
    inputs: readonly string[],
    out: OnnxDType | { readonly name: string; readonly dtype: OnnxDType },
    attrs: Readonly<Record<string, AttrValue>> = {},
  ): string {
    return this.node(opType, inputs, [out], attrs)[0]!;
  }

  /** A constant tensor as an initializer, shared by every use of the same values. */
  constant(dtype: OnnxDType, shape: readonly number[], values: readonly number[]): string {
    const key = `const:${dtype}:${shape.join('x')}:${values.join(',')}`;
    return this.cached(key, () => {
      const name = this.fresh('const');
      this.dtypes.set(name, dtype);
      this.initializers.push({
        name,
        dataType: ONNX_ELEM_TYPE[dtype],
        dims: [...shape],
        rawData: rawBytes(dtype, values),
      });
      return name;
    });
  }

  scalar(dtype: OnnxDType, value: number): string {
    return this.constant(dtype, [], [value]);
  }

  /** A 1-D int64 constant (axes, starts, ends, static shapes). */
  int64s(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** A 1-D int64 [1] tensor holding the largest int64 (Slice's "to the end"). */
  int64Max(): string {
    return this.cached('int64max', () => {
      const name = this.fresh('const');
      this.dtypes.set(name, 'int64');
      const raw = new Uint8Array(new BigInt64Array([INT64_MAX]).buffer);
      this.initializers.push({ name, dataType: ONNX_ELEM_TYPE.int64, dims: [1], rawData: raw });
      return name;
    });
  }

  /** int64 [1] holding the dim: a constant, or Shape(input)[axis] read at run time. */
  dim1d(d: Dim): string {
    if (typeof d === 'number') return this.int64s([d]);
    return this.cached(`dim:${d}`, () => {
      const src = this.symbols.get(d);
      if (src === undefined) {
        throw new LossGraphError(
          'UNBOUND_SYMBOL',
          `symbolic dim '${d}' is used in an attribute but no graph input or earlier node carries it`,
          { symbol: d },
        );
      }
      return this.op('Shape', [src.input], 'int64', { start: src.axis, end: src.axis + 1 });
    });
  }

  /** A scalar of the dim in `dtype`. */
  dimScalar(d: Dim, dtype: 'int32' | 'int64' | 'float32'): string {
    if (typeof d === 'number') return this.scalar(dtype, d);
    return this.cached(`dimScalar:${d}:${dtype}`, () => {
      if (this.webgpu && dtype !== 'int64') {
        // the WebGPU provider has no int64 Squeeze or Cast: it counts d ones instead (exact below 2^24)
        const ones = this.op('Expand', [this.scalar('float32', 1), this.dim1d(d)], 'float32');
        const count = this.op('ReduceSum', [ones], 'float32', { keepdims: 0 });
        return this.cast(count, dtype);
      }
      const s = this.op('Squeeze', [this.dim1d(d), this.int64s([0])], 'int64');
      return this.cast(s, dtype);
    });
  }

  /**
   * Registers a tensor whose shape is known and that every later node can read (a graph input, the output
   * of a node defining a data-dependent dim): on WebGPU, `shape()` reads runs of dims off it.
   */
  carry(name: string, shape: Shape): void {
    this.carriers.push({ name, shape });
  }

  /** A 1-D int64 shape tensor of `dims`: a constant when all are numbers, else a Concat of runs. */
  shape(dims: readonly Dim[]): string {
    if (dims.every((d) => typeof d === 'number')) return this.int64s(dims as number[]);
    return this.cached(`shape:${dims.join(',')}`, () => {
      const parts = this.shapeParts(dims).map((p) => p.tensor);
      return parts.length === 1 ? parts[0]! : this.op('Concat', parts, 'int64', { axis: 0 });
    });
  }

  /**
   * `dims` cut into runs that each have a 1-D int64 tensor without a Concat: numbers (a constant), dims a
   * carried tensor has in a row (one Shape node, on WebGPU), or a single symbol (a Shape read).
   */
  private shapeParts(dims: readonly Dim[]): { readonly length: number; readonly tensor: string }[] {
    const parts: { length: number; tensor: string }[] = [];
    let run: number[] = [];
    const flush = () => {
      if (run.length > 0) parts.push({ length: run.length, tensor: this.int64s(run) });
      run = [];
    };
    for (let i = 0; i < dims.length; ) {
      const d = dims[i]!;
      const span = this.webgpu ? this.carriedSpan(dims, i) : undefined;
      if (span !== undefined) {
        flush();
        const end = span.start + span.length;
        const tensor = this.cached(`shapeOf:${span.name}:${span.start}:${end}`, () =>
          this.op('Shape', [span.name], 'int64', { start: span.start, end }),
        );
        parts.push({ length: span.length, tensor });
        i += span.length;
      } else if (typeof d === 'number') {
        run.push(d);
        i++;
      } else {
        flush();
        parts.push({ length: 1, tensor: this.dim1d(d) });
        i++;
      }
    }
    flush();
    return parts;
  }

  /**
   * Expand of float or int32 `x` (rank at most `target.length`) to `target` on WebGPU, where the target
   * shape would need an int64 Concat: x plus zeros of each run's shape, placed by trailing unsqueezes.
   * Undefined where one Expand does it (a single run) or for bool.
   */
  private expandByParts(
    x: string,
    target: readonly Dim[],
    out: OnnxDType | { readonly name: string; readonly dtype: OnnxDType },
  ): string | undefined {
    const dtype = this.dtypeOf(x);
    const parts = this.shapeParts(target);
    if (parts.length < 2 || (dtype !== 'float32' && dtype !== 'int32')) return undefined;
    let y = x;
    let at = 0;
    parts.forEach((p, k) => {
      at += p.length;
      let zeros = this.op('Expand', [this.scalar(dtype, 0), p.tensor], dtype);
      const trailing = target.length - at;
      if (trailing > 0)
        zeros = this.op(
          'Unsqueeze',
          [zeros, this.int64s(Array.from({ length: trailing }, (_, j) => p.length + j))],
          dtype,
        );
      y = this.op('Add', [y, zeros], k === parts.length - 1 ? out : dtype);
    });
    return y;
  }

  /**
   * The longest run of `dims` from `i` on, holding a symbol, that some carried tensor has as consecutive
   * dims: one Shape node reads it, where a Concat of pieces would need int64 kernels WebGPU lacks.
   */
  private carriedSpan(
    dims: readonly Dim[],
    i: number,
  ): { readonly name: string; readonly start: number; readonly length: number } | undefined {
    let best: { name: string; start: number; length: number } | undefined;
    for (const { name, shape } of this.carriers) {
      for (let start = 0; start < shape.length; start++) {
        let length = 0;
        while (i + length < dims.length && start + length < shape.length && dims[i + length] === shape[start + length])
          length++;
        const symbolic = dims.slice(i, i + length).some((d) => typeof d === 'string');
        if (symbolic && length > (best?.length ?? 0)) best = { name, start, length };
      }
    }
    return best;
  }

  /**
   * `x` (of shape `from`) broadcast to `to`. onnxruntime's CPU Expand copies element by element when the
   * stretched axis is innermost-ish, which is several times slower than concatenating a few copies; so axes
   * stretched from 1 to a small static size are concatenated, and anything else goes through Expand.
   */
  broadcast(x: string, from: Shape, to: Shape, out?: { readonly name: string; readonly dtype: OnnxDType }): string {
    const dtype = this.dtypeOf(x);
    const target = out ?? dtype;
    if (from.length === to.length && from.every((d, i) => d === to[i]))
      return out === undefined ? x : this.op('Identity', [x], out);
    const stretched = from.map((d, i) => (d === 1 && to[i] !== 1 ? i : -1)).filter((i) => i >= 0);
    // the Concat form is for onnxruntime's CPU kernels; the WebGPU provider has no bool Concat
    const concatenable =
      !this.webgpu &&
      from.length === to.length &&
      stretched.every((i) => typeof to[i] === 'number' && (to[i] as number) <= MAX_CONCAT_COPIES);
    if (!concatenable) {
      if (!this.webgpu) return this.op('Expand', [x, this.shape(to)], target);
      const shape = expandTarget(from, to);
      return this.expandByParts(x, shape, target) ?? this.op('Expand', [x, this.shape(shape)], target);
    }
    let y = x;
    stretched.forEach((axis, k) => {
      const copies = new Array<string>(to[axis] as number).fill(y);
      y = this.op('Concat', copies, k === stretched.length - 1 ? target : dtype, { axis });
    });
    return y;
  }

  /** `x` cast to `dtype`, or `x` itself when it already has that type. */
  cast(x: string, dtype: OnnxDType, out?: string): string {
    if (this.dtypeOf(x) === dtype && out === undefined) return x;
    return this.op('Cast', [x], out === undefined ? dtype : { name: out, dtype }, { to: ONNX_ELEM_TYPE[dtype] });
  }

  private cached(key: string, make: () => string): string {
    let name = this.cache.get(key);
    if (name === undefined) {
      name = make();
      this.cache.set(key, name);
    }
    return name;
  }
}

/**
 * Expand's shape input for `from` -> `to`: 1 where `x` already has the dim (Expand broadcasts both ways),
 * so that fewer symbolic dims need reading at run time.
 */
function expandTarget(from: Shape, to: Shape): Dim[] {
  const lead = to.length - from.length;
  return to.map((d, i) => (i >= lead && from[i - lead] === d ? 1 : d));
}

function attribute(name: string, v: AttrValue): OnnxProto.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if ('float' in v) return { name, type: T.FLOAT, f: (v as { float: number }).float };
  return { name, type: T.INTS, ints: [...(v as readonly number[])] };
}
