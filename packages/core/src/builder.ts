import { fail } from './errors.js';
import { at, first } from './ir/at.js';
import type { Graph, GraphOutput } from './ir/graph.js';
import type { Node, OpAttrs, OpName } from './ir/ops.js';
import { normalizeAxis } from './ir/shape.js';
import type { Dim, DType, Shape, ValueInfo } from './ir/types.js';
import { arityAccepts } from './ops/define.js';
import { OPS } from './ops/registry.js';
import { verify } from './passes/verify.js';

type Operand = Tensor | number;

/**
 * Builds a Graph op by op. Every node's output types come from the op's shape rule, so a graph that
 * builds is well typed. `GraphBuilder.extend(graph)` continues an existing graph (autodiff uses it).
 */
export class GraphBuilder {
  private readonly values: ValueInfo[] = [];
  private readonly nodes: Node[] = [];
  private readonly inputIds: number[] = [];
  private readonly outs: GraphOutput[] = [];
  private readonly scalars = new Map<string, Tensor>();
  private dataDims = 0;

  static extend(graph: Graph): GraphBuilder {
    const b = new GraphBuilder();
    b.values.push(...graph.values);
    b.nodes.push(...graph.nodes);
    b.inputIds.push(...graph.inputs);
    b.outs.push(...graph.outputs);
    return b;
  }

  input(name: string, dtype: DType, shape: Shape): Tensor {
    if (this.inputIds.some((id) => at(this.values, id).name === name))
      fail('INVALID_GRAPH', `duplicate input '${name}'`);
    const v = this.newValue(dtype, shape, name);
    this.inputIds.push(v.id);
    return this.tensor(v.id);
  }

  /** A literal tensor; `values` is row-major and its length must match `shape`. */
  constant(values: readonly number[], dtype: DType = 'float32', shape: readonly number[] = [values.length]): Tensor {
    return first(this.apply('constant', [], { dtype, shape: [...shape], values: [...values] }));
  }

  /** A rank-0 constant, shared between uses. */
  scalar(value: number, dtype: DType = 'float32'): Tensor {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    let t = this.scalars.get(key);
    if (t === undefined) {
      t = this.constant([value], dtype, []);
      this.scalars.set(key, t);
    }
    return t;
  }

  /** Appends one node; returns its outputs. */
  apply<K extends OpName>(op: K, inputs: readonly Tensor[], attrs: OpAttrs[K]): Tensor[] {
    const def = OPS[op];
    if (!arityAccepts(def.arity, inputs.length)) {
      fail('INVALID_GRAPH', `${op}: expected ${JSON.stringify(def.arity)} inputs, got ${inputs.length}`);
    }
    for (const t of inputs) if (t.builder !== this) fail('INVALID_GRAPH', `${op}: operand from another builder`);
    const types = def.rule(
      inputs.map((t) => at(this.values, t.id)),
      attrs,
    );
    const outputs = types.map((t) => this.newValue(t.dtype, t.shape).id);
    this.nodes.push({ op, inputs: inputs.map((t) => t.id), outputs, attrs } as Node);
    return outputs.map((id) => this.tensor(id));
  }

  output(name: string, t: Tensor): this {
    if (this.outs.some((o) => o.name === name)) fail('INVALID_GRAPH', `duplicate output '${name}'`);
    this.outs.push({ name, value: t.id });
    return this;
  }

  /** The finished graph, verified. */
  build(): Graph {
    const g: Graph = {
      values: [...this.values],
      nodes: [...this.nodes],
      inputs: [...this.inputIds],
      outputs: [...this.outs],
    };
    verify(g);
    return g;
  }

  tensor(id: number): Tensor {
    const v = this.values[id];
    if (v === undefined) fail('INVALID_GRAPH', `no value %${id}`);
    return new Tensor(this, id, v.dtype, v.shape);
  }

  where(cond: Tensor, a: Operand, b: Operand): Tensor {
    const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
    return first(this.apply('where', [cond, this.lift(a, dtype), this.lift(b, dtype)], {}));
  }

  concat(parts: readonly Tensor[], axis: number): Tensor {
    return first(this.apply('concat', parts, { axis: normalizeAxis(axis, first(parts).shape.length) }));
  }

  /**
   * A fresh name for a data-dependent dim (`$k1`, `$k2`, ...), distinct from every symbol of the graph
   * so far. The op that defines it names it in its attributes (see passes/data-dims.ts).
   */
  dataDim(prefix = 'k'): string {
    const taken = new Set(this.values.flatMap((v) => v.shape.filter((d): d is string => typeof d === 'string')));
    let name: string;
    do name = `$${prefix}${++this.dataDims}`;
    while (taken.has(name));
    return name;
  }

  range(length: Dim): Tensor {
    return first(this.apply('range', [], { length }));
  }

  lift(x: Operand, dtype: DType): Tensor {
    return x instanceof Tensor ? x : this.scalar(x, dtype);
  }

  private newValue(dtype: DType, shape: Shape, name?: string): ValueInfo {
    const v: ValueInfo =
      name === undefined
        ? { id: this.values.length, dtype, shape: [...shape] }
        : { id: this.values.length, dtype, shape: [...shape], name };
    this.values.push(v);
    return v;
  }
}

/** A handle on one value of a GraphBuilder, with fluent methods for every op. */
export class Tensor {
  constructor(
    readonly builder: GraphBuilder,
    readonly id: number,
    readonly dtype: DType,
    readonly shape: Shape,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  private un<K extends OpName>(op: K, attrs: OpAttrs[K]): Tensor {
    return first(this.builder.apply(op, [this], attrs));
  }
  private bin(op: OpName, other: Operand): Tensor {
    return first(this.builder.apply(op, [this, this.builder.lift(other, this.dtype)], {} as never));
  }
  private axis(a: number): number {
    return normalizeAxis(a, this.rank);
  }
  private axes(axes: readonly number[] | undefined): number[] {
    return axes === undefined ? [...Array(this.rank).keys()] : axes.map((a) => this.axis(a));
  }

  add(o: Operand): Tensor {
    return this.bin('add', o);
  }
  sub(o: Operand): Tensor {
    return this.bin('sub', o);
  }
  mul(o: Operand): Tensor {
    return this.bin('mul', o);
  }
  div(o: Operand): Tensor {
    return this.bin('div', o);
  }
  maximum(o: Operand): Tensor {
    return this.bin('maximum', o);
  }
  minimum(o: Operand): Tensor {
    return this.bin('minimum', o);
  }
  equal(o: Operand): Tensor {
    return this.bin('equal', o);
  }
  less(o: Operand): Tensor {
    return this.bin('less', o);
  }
  lessEqual(o: Operand): Tensor {
    return this.bin('lessEqual', o);
  }
  greater(o: Operand): Tensor {
    return this.bin('greater', o);
  }
  greaterEqual(o: Operand): Tensor {
    return this.bin('greaterEqual', o);
  }
  and(o: Tensor): Tensor {
    return this.bin('and', o);
  }
  or(o: Tensor): Tensor {
    return this.bin('or', o);
  }
  not(): Tensor {
    return this.un('not', {});
  }
  cast(to: DType): Tensor {
    return to === this.dtype ? this : this.un('cast', { to });
  }
  exp(): Tensor {
    return this.un('exp', {});
  }
  log(): Tensor {
    return this.un('log', {});
  }
  abs(): Tensor {
    return this.un('abs', {});
  }
  neg(): Tensor {
    return this.un('neg', {});
  }
  sqrt(): Tensor {
    return this.un('sqrt', {});
  }
  sign(): Tensor {
    return this.un('sign', {});
  }
  atan(): Tensor {
    return this.un('atan', {});
  }
  square(): Tensor {
    return this.mul(this);
  }
  /** Sums over `axes` (all axes when omitted). */
  sum(axes?: readonly number[], keepDims = false): Tensor {
    return this.un('reduceSum', { axes: this.axes(axes), keepDims });
  }
  max(axes?: readonly number[], keepDims = false): Tensor {
    return this.un('reduceMax', { axes: this.axes(axes), keepDims });
  }
  argMax(axis: number, keepDims = false): Tensor {
    return this.un('argMax', { axis: this.axis(axis), keepDims });
  }
  logSoftmax(axis = -1): Tensor {
    return this.un('logSoftmax', { axis: this.axis(axis) });
  }
  /** Per-row cross entropy over the last axis against int32 `labels` (shape of this without its last axis). */
  softmaxCrossEntropy(labels: Tensor): Tensor {
    return first(this.builder.apply('softmaxCrossEntropy', [this, labels], {}));
  }
  smoothL1(): Tensor {
    return this.un('smoothL1', {});
  }
  reshape(shape: readonly Dim[]): Tensor {
    return this.un('reshape', { shape: [...shape] });
  }
  expand(shape: readonly Dim[]): Tensor {
    return this.un('expand', { shape: [...shape] });
  }
  slice(axis: number, start: number, end: number | null = null): Tensor {
    return this.un('slice', { axis: this.axis(axis), start, end });
  }
  unsqueeze(axis: number): Tensor {
    return this.un('unsqueeze', { axis: normalizeAxis(axis, this.rank + 1) });
  }
  squeeze(axis: number): Tensor {
    return this.un('squeeze', { axis: this.axis(axis) });
  }
  transpose(perm: readonly number[]): Tensor {
    return this.un('transpose', { perm: [...perm] });
  }
  gather(indices: Tensor, axis: number): Tensor {
    return first(this.builder.apply('gather', [this, indices], { axis: this.axis(axis) }));
  }
  gatherElements(indices: Tensor, axis: number): Tensor {
    return first(this.builder.apply('gatherElements', [this, indices], { axis: this.axis(axis) }));
  }
  gatherRows(indices: Tensor): Tensor {
    return first(this.builder.apply('gatherRows', [this, indices], {}));
  }
  scatterElements(indices: Tensor, updates: Tensor, axis: number, reduction: 'none' | 'add' | 'max' = 'none'): Tensor {
    return first(this.builder.apply('scatterElements', [this, indices, updates], { axis: this.axis(axis), reduction }));
  }
  /**
   * [values, int32 indices] of the k largest (or smallest) along `axis`. `k` is a dim, or an int32
   * scalar tensor computed by the graph: then the outputs' size along `axis` is a data-dependent dim.
   */
  topk(k: Dim | Tensor, axis = -1, largest = true): [Tensor, Tensor] {
    const outs =
      k instanceof Tensor
        ? this.builder.apply('topk', [this, k], { k: this.builder.dataDim(), axis: this.axis(axis), largest })
        : this.builder.apply('topk', [this], { k, axis: this.axis(axis), largest });
    return [at(outs, 0), at(outs, 1)];
  }
  sort(axis = -1, descending = false): [Tensor, Tensor] {
    const outs = this.builder.apply('sort', [this], { axis: this.axis(axis), descending });
    return [at(outs, 0), at(outs, 1)];
  }
  cumsum(axis: number, opts: { exclusive?: boolean; reverse?: boolean } = {}): Tensor {
    return this.un('cumsum', {
      axis: this.axis(axis),
      exclusive: opts.exclusive ?? false,
      reverse: opts.reverse ?? false,
    });
  }
  oneHot(depth: Dim): Tensor {
    return this.un('oneHot', { depth });
  }
  stopGradient(): Tensor {
    return this.un('stopGradient', {});
  }
  // 2-D networks (NCHW); see ir/ops.ts for the attributes
  conv2d(w: Tensor, attrs: OpAttrs['conv2d']): Tensor {
    return this.builder.apply('conv2d', [this, w], attrs)[0]!;
  }
  convTranspose2d(w: Tensor, attrs: OpAttrs['convTranspose2d']): Tensor {
    return this.builder.apply('convTranspose2d', [this, w], attrs)[0]!;
  }
  maxPool2d(attrs: OpAttrs['maxPool2d']): Tensor {
    return this.un('maxPool2d', attrs);
  }
  avgPool2d(attrs: OpAttrs['avgPool2d']): Tensor {
    return this.un('avgPool2d', attrs);
  }
  resizeNearest(scales: readonly [number, number]): Tensor {
    return this.un('resizeNearest', { scales });
  }
  matMul(o: Tensor): Tensor {
    return this.builder.apply('matMul', [this, o], {})[0]!;
  }
  relu(): Tensor {
    return this.un('relu', {});
  }
  clip(min: number, max: number): Tensor {
    return this.un('clip', { min, max });
  }
  leakyRelu(alpha: number): Tensor {
    return this.un('leakyRelu', { alpha });
  }
  sigmoid(): Tensor {
    return this.un('sigmoid', {});
  }
  tanh(): Tensor {
    return this.un('tanh', {});
  }
  hardSigmoid(alpha: number, beta: number): Tensor {
    return this.un('hardSigmoid', { alpha, beta });
  }
  hardSwish(): Tensor {
    return this.un('hardSwish', {});
  }
}
