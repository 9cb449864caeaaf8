import type { HostTensor, LossProgram } from '../backend/contract.js';
import type { MetadataReader } from '../io/fixture-metadata.js';
import type { SafetensorsDtype } from '../io/safetensors.js';

/** What a fixture tensor is: a program input, an expected loss term, gradient, integer diagnostic, or other expected value. */
export type FixtureRole = 'input' | 'loss' | 'gradient' | 'integer' | 'expected';

/** One row of a loss's docs/FIXTURES.md tensor table. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  /** sizes: digits for a fixed size, a letter for a size shared by every tensor of the file */
  readonly shape: readonly string[];
  readonly role: FixtureRole;
  /** for a gradient: the input it is taken with respect to */
  readonly wrt?: string;
}

export const spec = (
  name: string,
  dtype: SafetensorsDtype,
  shape: readonly string[],
  role: FixtureRole,
  wrt?: string,
): TensorSpec => (wrt === undefined ? { name, dtype, shape, role } : { name, dtype, shape, role, wrt });

/** A fixture of one loss as the reader returns it: inputs, options from the metadata, expected values. */
export interface LossFixture<L extends string, I extends string, O, E extends string> {
  readonly name: string;
  readonly loss: L;
  readonly metadata: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<I, HostTensor>>;
  readonly options: O;
  readonly expected: Readonly<Record<E, number | Float32Array | Int32Array>>;
}

/** How a loss's fixtures are read and checked (docs/FIXTURES.md): the part of a registry entry the fixture reader uses. */
export interface FixtureDescription<O> {
  /** the tensor table: which tensors are inputs, which outputs are compared */
  readonly tensors: readonly TensorSpec[];
  /** the loss options the metadata names (the loss's defaults where a key is absent) */
  readonly options: (m: MetadataReader) => O;
  /** the program a fixture is checked with: its options, gradients unless `false`, every diagnostic output */
  readonly program: (options: O, gradients: boolean) => LossProgram;
  /** the profile a fixture's options name, for reports that group by it (losses with profiles only) */
  readonly profile?: (options: O) => string;
}
