import { type ArityOf, first, type Inputs, type OpAttrs, type OpName, type SymbolEnv } from '@lossgraph/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { BackendTraits } from './traits.js';

/** What a lowering knows besides its inputs and attributes. */
export interface LoweringContext {
  /** values of the symbolic dims, bound from the feeds of this run */
  readonly env: SymbolEnv;
  /** the node's output shapes (from the IR's shape rule), symbols resolved */
  readonly outShapes: readonly (readonly number[])[];
  /** per input: the one value all its elements hold, when known before the run (see uniform.ts) */
  readonly uniform: readonly (number | undefined)[];
  /** per input: whether it holds 0, 1, ..., n-1 along its last axis, other dims 1 (see value-facts.ts) */
  readonly iota: readonly boolean[];
  /** per input: whether it is known to hold no positive element (see value-facts.ts) */
  readonly nonPositive: readonly boolean[];
  /** the tfjs backend this graph was compiled for (resolved once per compile) */
  readonly traits: BackendTraits;
}

/** The shape of a node's first output (every op has at least one). */
export function outShape(ctx: LoweringContext): readonly number[] {
  return first(ctx.outShapes);
}

/**
 * Lowers one IR node to tfjs ops: tfjs tensors in (in IR input order), one tensor per IR output out.
 * A lowering computes values only; gradients under `apply` come from the IR's own VJPs (see vjp.ts).
 * Its inputs are typed by the op's arity (a tuple for most), as the graph's verify pass guarantees.
 */
export type Lowering<K extends OpName> = (
  inputs: Inputs<tf.Tensor, ArityOf<K>>,
  attrs: OpAttrs[K],
  ctx: LoweringContext,
) => tf.Tensor[];

/** Any op's lowering, called with a node's inputs (whose count verify has checked against the op's arity). */
export type NodeLowering = (inputs: readonly tf.Tensor[], attrs: never, ctx: LoweringContext) => tf.Tensor[];

/** An op a backend cannot run, with the reason (reported as LossGraphError 'UNSUPPORTED_OP'). */
export interface Unsupported {
  readonly unsupported: string;
}

/** Exhaustive over the IR: a new op without an entry here is a type error. */
export type LoweringTable = { readonly [K in OpName]: Lowering<K> | Unsupported };

/** The lowerings of a group of ops (one file per group); the groups together make the `LoweringTable`. */
export type LoweringsFor<K extends OpName> = { readonly [P in K]: Lowering<P> };
