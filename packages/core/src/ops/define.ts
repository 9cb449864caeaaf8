import type { Tensor } from '../builder.js';
import { fail } from '../errors.js';
import type { OpAttrs, OpName } from '../ir/ops.js';
import type { TensorData } from '../ir/tensor-data.js';
import type { SymbolEnv, ValueType } from '../ir/types.js';

/** How many inputs an op takes: exactly n, a [min, max] range (optional trailing inputs), or 'variadic' (concat). */
export type Arity = number | readonly [number, number] | 'variadic';

/** `n` values of `T`: a tuple for a literal `n` up to 5 (op arities), any number of them otherwise. */
export type Tuple<T, N extends number> = N extends 0
  ? readonly []
  : N extends 1
    ? readonly [T]
    : N extends 2
      ? readonly [T, T]
      : N extends 3
        ? readonly [T, T, T]
        : N extends 4
          ? readonly [T, T, T, T]
          : N extends 5
            ? readonly [T, T, T, T, T]
            : readonly T[];

/**
 * The inputs a node of an op with arity `A` has, as its rule, kernel and VJP see them: a fixed-length
 * tuple for a number, the required ones then any optional ones for a range, at least one for 'variadic'.
 * Optional inputs read as possibly undefined (with `noUncheckedIndexedAccess`).
 */
export type Inputs<T, A extends Arity> = A extends number
  ? Tuple<T, A>
  : A extends readonly [infer Min extends number, number]
    ? readonly [...Tuple<T, Min>, ...T[]]
    : readonly [T, ...T[]];

export interface VjpArgs<K extends OpName, A extends Arity = Arity> {
  readonly inputs: Inputs<Tensor, A>;
  /** the node's outputs (every op has at least one) */
  readonly outputs: readonly [Tensor, ...Tensor[]];
  /**
   * the incoming gradient of each output; undefined where that output carries none. The first is always
   * there: an op's one float output comes first, and a VJP runs only when a gradient reaches it (`vjpGrads`).
   */
  readonly grads: readonly [Tensor, ...(Tensor | undefined)[]];
  readonly attrs: OpAttrs[K];
}

/** Vector-Jacobian product: one gradient per input, undefined for inputs that get none. */
export type Vjp<K extends OpName, A extends Arity = Arity> = (args: VjpArgs<K, A>) => readonly (Tensor | undefined)[];

/**
 * Everything about one op, in one place. `A` is its arity as a type (`defineOp<'add', 2>`), which types
 * the inputs its rule, kernel and VJP get as tuples of that length; left out, they get plain arrays.
 */
export interface OpDef<K extends OpName, A extends Arity = Arity> {
  /** number of inputs, a [min, max] range (optional trailing inputs), or 'variadic' (concat) */
  readonly arity: A;
  /** shape and dtype rule: checks the inputs and returns the output types */
  readonly rule: (inputs: Inputs<ValueType, A>, attrs: OpAttrs[K]) => ValueType[];
  /** reference kernel, float64 math */
  readonly kernel: (inputs: Inputs<TensorData, A>, attrs: OpAttrs[K], env: SymbolEnv) => TensorData[];
  /** null means the op passes no gradient to any input (integer or boolean results, stopGradient) */
  readonly vjp: Vjp<K, A> | null;
  /**
   * The data-dependent dims a node of this op defines (see `passes/data-dims.ts`): symbols its output
   * shapes carry whose size is only known once the node has run (topk with a tensor k). Omitted: none.
   */
  readonly defines?: (inputs: Inputs<ValueType, A>, attrs: OpAttrs[K]) => readonly string[];
}

/** A VJP call's `grads` from each output's gradient, checking that the first output has one. */
export function vjpGrads(op: OpName, grads: readonly (Tensor | undefined)[]): VjpArgs<OpName>['grads'] {
  const [first, ...rest] = grads;
  if (first === undefined)
    fail('INVALID_GRAPH', `VJP of ${op}: no gradient at its first output (an op's float output comes first)`);
  return [first, ...rest];
}

/** Whether `n` inputs fit an op's arity. */
export function arityAccepts(arity: Arity, n: number): boolean {
  if (arity === 'variadic') return n >= 1;
  if (typeof arity === 'number') return n === arity;
  return n >= arity[0] && n <= arity[1];
}

/**
 * An op's definition, as the registry holds it: callable with any inputs array (its arity type kept, see
 * `ArityOf`). The tuple types of its
 * functions hold because no node reaches them with inputs that `arityAccepts` refused: the builder checks
 * each node it adds and `verify` each graph it is given (the one place this is relied on).
 */
export function defineOp<K extends OpName, const A extends Arity = Arity>(def: OpDef<K, A>): TypedOpDef<K, A> {
  return def as unknown as TypedOpDef<K, A>;
}

declare const arityType: unique symbol;

/** An op's definition as `defineOp` returns it: the registry's wide type, with its arity kept as a type. */
export type TypedOpDef<K extends OpName, A extends Arity> = OpDef<K> & { readonly [arityType]?: A };

/** The arity type a `TypedOpDef` carries. */
export type ArityOfDef<D> = D extends { readonly [arityType]?: infer A extends Arity } ? A : Arity;
