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
  /** number of inputs, a [min, max] range (optional trailing inputs), or 'variadic' (concat) */
  readonly arity: number | readonly [number, number] | 'variadic';
  /** shape and dtype rule: checks the inputs and returns the output types */
  readonly rule: (inputs: readonly ValueType[], attrs: OpAttrs[K]) => ValueType[];
  /** reference kernel, float64 math */
  readonly kernel: (inputs: readonly TensorData[], attrs: OpAttrs[K], env: SymbolEnv) => TensorData[];
  /** null means the op passes no gradient to any input (integer or boolean results, stopGradient) */
  readonly vjp: Vjp<K> | null;
  /**
   * The data-dependent dims a node of this op defines (see `passes/data-dims.ts`): symbols its output
   * shapes carry whose size is only known once the node has run (topk with a tensor k). Omitted: none.
   */
  readonly defines?: (inputs: readonly ValueType[], attrs: OpAttrs[K]) => readonly string[];
}

/** Whether `n` inputs fit an op's arity. */
export function arityAccepts(arity: OpDef<OpName>['arity'], n: number): boolean {
  if (arity === 'variadic') return n >= 1;
  if (typeof arity === 'number') return n === arity;
  return n >= arity[0] && n <= arity[1];
}

export function defineOp<K extends OpName>(def: OpDef<K>): OpDef<K> {
  return def;
}
