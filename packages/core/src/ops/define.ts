import type { Tensor } from '../builder.js';
import type { OpAttrs, OpName } from '../ir/ops.js';
import type { TensorData } from '../ir/tensor-data.js';
import type { SymbolEnv, ValueType } from '../ir/types.js';

export interface VjpArgs<K extends OpName> {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  /** the incoming gradient of each output; undefined where that output carries none */
  readonly grads: readonly (Tensor | undefined)[];
  readonly attrs: OpAttrs[K];
}

/** Vector-Jacobian product: one gradient per input, undefined for inputs that get none. */
export type Vjp<K extends OpName> = (args: VjpArgs<K>) => readonly (Tensor | undefined)[];

/** Everything about one op, in one place. */
export interface OpDef<K extends OpName> {
  /** number of inputs, or 'variadic' (concat) */
  readonly arity: number | 'variadic';
  /** shape and dtype rule: checks the inputs and returns the output types */
  readonly rule: (inputs: readonly ValueType[], attrs: OpAttrs[K]) => ValueType[];
  /** reference kernel, float64 math */
  readonly kernel: (inputs: readonly TensorData[], attrs: OpAttrs[K], env: SymbolEnv) => TensorData[];
  /** null means the op passes no gradient to any input (integer or boolean results, stopGradient) */
  readonly vjp: Vjp<K> | null;
}

export function defineOp<K extends OpName>(def: OpDef<K>): OpDef<K> {
  return def;
}
