/** Element types of the IR. Integers are 32-bit everywhere (tfjs has no int64). */
export type DType = 'float32' | 'int32' | 'bool';

/** A dimension: a fixed size, or a named symbol (`B`, `P`, `C`, `M`) bound when the graph runs. */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** The static type of a value. */
export interface ValueType {
  readonly dtype: DType;
  readonly shape: Shape;
}

/** An SSA value: defined once, by a graph input or by one node output. */
export interface ValueInfo extends ValueType {
  readonly id: number;
  /** Graph inputs carry their feed name; other values may carry a debugging name. */
  readonly name?: string;
}

/** Values of symbolic dims, e.g. `{ B: 2, P: 8732 }`. */
export type SymbolEnv = Readonly<Record<string, number>>;

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];
