import type { GraphBuilder, Tensor } from '../builder.js';
import type { OpName } from '../ir/ops.js';
import type { Dim, DType } from '../ir/types.js';

/** How a case's input is drawn. */
export type Draw =
  | 'normal' // N(0, 1)
  | 'positive' // uniform (0.5, 2)
  | 'bool'
  | 'ties' // small integers as floats, so that ties happen
  | readonly [lo: number, hi: number]; // uniform integers in [lo, hi), int32

export interface OpInput {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
  readonly draw: Draw;
}

/** One conformance case: a tiny graph around one op, run on random inputs named by `K`. */
export interface OpCase<K extends string = string> {
  readonly name: string;
  readonly op: OpName;
  readonly inputs: Readonly<Record<K, OpInput>>;
  /** builds the outputs from the input tensors, by name (a case has at least one input, see `caseGraphs`) */
  build(b: GraphBuilder, x: Readonly<Record<K, Tensor>>): Tensor[];
  /** also check the VJP (backward graph) of this case; default: when an output and an input are float */
  readonly grad?: boolean;
  /**
   * the inputs sit on the op's kinks on purpose: its VJP there follows PyTorch's convention, which finite
   * differences do not see (packages/core/test/activation-kinks.test.ts checks it against PyTorch)
   */
  readonly atKinks?: boolean;
}

/** A case whose `build` sees exactly the inputs it declares, checked where the case is written. */
export const opCase = <K extends string>(c: OpCase<K>): OpCase => c;
