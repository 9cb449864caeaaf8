import type { ArityOf, Inputs, OpAttrs, OpName, ValueType } from '@lossgraph/core';
import type { OnnxDType } from '../dtypes.js';
import type { OnnxEmitter } from '../emitter.js';

/** An output slot of the IR node being lowered: the ONNX name and type its tensor must have. */
export interface OutputSlot {
  readonly name: string;
  readonly dtype: OnnxDType;
}

/** What a lowering sees of one IR node. */
export interface LoweringContext<K extends OpName> {
  readonly e: OnnxEmitter;
  readonly attrs: OpAttrs[K];
  /** ONNX tensor names of the node's inputs (a tuple of the op's arity, which verify has checked) */
  readonly inputs: Inputs<string, ArityOf<K>>;
  readonly inputTypes: Inputs<ValueType, ArityOf<K>>;
  readonly outputTypes: readonly ValueType[];
  /** where output k must be written by the lowering's last node */
  out(k: number): OutputSlot;
  /** output k is an existing tensor: no node needed (an Identity is added only where a graph output needs its name) */
  alias(k: number, name: string): void;
}

/** What a lowering of any op sees: its inputs as plain arrays. */
export type NodeLoweringContext = Omit<LoweringContext<OpName>, 'inputs' | 'inputTypes'> & {
  readonly inputs: readonly string[];
  readonly inputTypes: readonly ValueType[];
};

/** Emits the ONNX nodes of one IR op. */
export type OnnxLowering<K extends OpName> = (ctx: LoweringContext<K>) => void;

/** The lowering table: one entry per IR op (a missing op is a type error). */
export type LoweringTable = { readonly [K in OpName]: OnnxLowering<K> };

/** A one-node lowering onto an ONNX op of the same inputs and output. */
export const direct =
  <K extends OpName>(opType: string) =>
  (c: LoweringContext<K>): void => {
    c.e.op(opType, c.inputs, c.out(0));
  };
