import type { DType, GraphBuilder, Tensor } from '@lossgraph/core';
import { NodeAttributes } from './attributes.js';
import type { OnnxNode } from './decode.js';
import { invalidNode, unsupportedNode } from './errors.js';
import type { HostKind, HostTensor } from './host-tensor.js';

/** The most elements of one tensor the importer computes itself (ConstantOfShape, Range, Expand of constants). */
export const MAX_FOLDED_ELEMENTS = 1 << 24;

/** A value while converting: known at import time (folded), or a tensor of the graph being built. */
export type Value =
  | { readonly kind: 'host'; readonly host: HostTensor }
  | { readonly kind: 'tensor'; readonly tensor: Tensor };

export const hostValue = (host: HostTensor): Value => ({ kind: 'host', host });
export const tensorValue = (tensor: Tensor): Value => ({ kind: 'tensor', tensor });

export const IR_DTYPE: Readonly<Record<HostKind, DType>> = { float: 'float32', int: 'int32', bool: 'bool' };

/** What a converter sees of the emit in progress. */
export interface EmitState {
  readonly b: GraphBuilder;
  readonly mode: 'train' | 'eval';
  readonly opset: number;
  /** running statistics after this forward, by state name (train mode) */
  readonly nextState: Record<string, Tensor>;
  /** each state initializer's tensor (BatchNorm inputs 3 and 4), by name */
  readonly state: Readonly<Record<string, Tensor>>;
  /** host tensors already turned into graph constants */
  readonly materialised: WeakMap<HostTensor, Tensor>;
}

/** One node's conversion: its inputs, attributes and the builder, with errors that name the node. */
export class NodeContext {
  readonly attrs: NodeAttributes;

  constructor(
    readonly emit: EmitState,
    readonly node: OnnxNode,
    private readonly values: readonly (Value | undefined)[],
  ) {
    this.attrs = new NodeAttributes(node);
  }

  get b(): GraphBuilder {
    return this.emit.b;
  }

  get inputCount(): number {
    return this.values.length;
  }

  /** whether every present input is known at import time */
  get allHost(): boolean {
    return this.values.every((v) => v === undefined || v.kind === 'host');
  }

  optional(i: number): Value | undefined {
    return this.values[i];
  }

  input(i: number): Value {
    const v = this.values[i];
    if (v === undefined) return this.fail(`input ${i} is required`);
    return v;
  }

  /** input i as a graph tensor (known values become constants) */
  tensor(i: number): Tensor {
    return this.toTensor(this.input(i));
  }

  toTensor(v: Value): Tensor {
    if (v.kind === 'tensor') return v.tensor;
    const cached = this.emit.materialised.get(v.host);
    if (cached !== undefined) return cached;
    const t = this.b.constant(Array.from(v.host.data), IR_DTYPE[v.host.kind], v.host.shape);
    this.emit.materialised.set(v.host, t);
    return t;
  }

  /** input i, which must be known at import time (after folding) */
  host(i: number): HostTensor {
    const v = this.input(i);
    if (v.kind !== 'host') {
      return this.fail(`input ${i} ('${this.node.inputs[i]}') must be a constant once shapes are fixed`);
    }
    return v.host;
  }

  optionalHost(i: number): HostTensor | undefined {
    return this.values[i] === undefined ? undefined : this.host(i);
  }

  /** input i as a list of integers (a constant) */
  ints(i: number): number[] {
    return Array.from(this.host(i).data);
  }

  /** input i's shape (every dim is a number: the importer fixes the input shapes) */
  shape(i: number): number[] {
    const v = this.input(i);
    return v.kind === 'host' ? [...v.host.shape] : v.tensor.shape.map((d) => this.dim(d));
  }

  private dim(d: number | string): number {
    if (typeof d !== 'number') this.fail(`a symbolic dim '${d}' reached the model; give inputShapes to importOnnx`);
    return d;
  }

  /** a non-negative axis for a tensor of `rank` */
  axis(axis: number, rank: number): number {
    const a = axis < 0 ? axis + rank : axis;
    if (!Number.isInteger(a) || a < 0 || a >= rank) this.fail(`axis ${axis} is out of range for rank ${rank}`);
    return a;
  }

  /**
   * The element count of a tensor the importer is about to compute at import time; refuses negative or
   * fractional dims and sizes beyond what shape arithmetic needs (a malformed file must not exhaust memory).
   */
  foldedSize(shape: readonly number[]): number {
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) this.fail(`invalid shape [${shape}]`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (size > MAX_FOLDED_ELEMENTS) this.fail(`a constant of shape [${shape}] is too large to compute while importing`);
    return size;
  }

  fail(message: string): never {
    return invalidNode(this.node, message);
  }

  unsupported(why?: string): never {
    return unsupportedNode(this.node, why);
  }
}

/** A converter returns host values (folded) or tensors, one per ONNX output. */
export type Converted = readonly (Value | Tensor)[];

export interface OpConverter {
  /**
   * inputs the converter needs as constants (shapes, axes, bounds, scales): an initializer read only at
   * these positions is a constant, never a parameter
   */
  readonly constantInputs?: readonly number[];
  /** evaluates the node when every input is known (shape arithmetic); optional */
  readonly fold?: (ctx: NodeContext) => readonly HostTensor[];
  /** adds the node to the graph; when absent, the op only works on known inputs */
  readonly convert?: (ctx: NodeContext) => Converted;
}

export type ConverterTable = Readonly<Record<string, OpConverter>>;
