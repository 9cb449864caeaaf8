/**
 * Type-level names of a loss program's outputs for the options it was built with, so that a compiled
 * loss is typed by them (`out.loss_x` is a type error). `Always`: the loss terms; `Gradients`: present
 * unless `gradients: false`; the extras listed in `outputs`; `normalizer` with `normalize: 'none'`;
 * `Diagnostics` with `diagnostics: true`.
 * Options known only as their wide type (not literals) give every name they could.
 */
export type ProgramOutputs<
  Opts,
  Always extends string,
  Gradients extends string,
  Extra extends string,
  Diagnostics extends string = never,
> =
  | Always
  | GradientNames<Opts, Gradients>
  | ExtraNames<Opts, Extra>
  | NormalizerName<Opts>
  | DiagnosticNames<Opts, Diagnostics>;

/** A program built without options: the default of its `Opts`, giving the names of the default options. */
export type NoOptions = Record<never, never>;

type Known<T> = unknown extends T ? never : T;

// tuples keep `never` (an option not given) from distributing into "every name"
type GradientNames<Opts, Gradients extends string> = Opts extends { readonly gradients?: infer G }
  ? [Known<G>] extends [never]
    ? Gradients
    : [Known<G>] extends [false]
      ? never
      : Gradients
  : Gradients;

type ExtraNames<Opts, Extra extends string> = Opts extends { readonly outputs?: infer L }
  ? [NonNullable<Known<L>>] extends [never]
    ? never
    : NonNullable<L> extends readonly (infer X)[]
      ? X & Extra
      : never
  : never;

type NormalizerName<Opts> = Opts extends { readonly normalize?: infer N }
  ? [Known<N>] extends [never]
    ? never
    : 'none' extends N
      ? 'normalizer'
      : never
  : never;

type DiagnosticNames<Opts, Diagnostics extends string> = Opts extends { readonly diagnostics?: infer D }
  ? [Known<D>] extends [never]
    ? never
    : true extends D
      ? Diagnostics
      : never
  : never;
