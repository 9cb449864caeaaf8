import { fail } from '../errors.js';

/**
 * Checks one compile option and gives its resolved value (the default when `value` is undefined). Fails
 * through `invalid(want)`, which throws LossGraphError 'INVALID_OPTION' naming the option.
 */
export type OptionRule<T> = (value: unknown, invalid: (want: string) => never) => T;

/** One rule per option of a backend: the keys are the option names, the values what they resolve to. */
export type OptionRules<R> = { readonly [K in keyof R]-?: OptionRule<R[K]> };

const show = (v: unknown): string =>
  typeof v === 'string'
    ? `'${v}'`
    : Array.isArray(v)
      ? `[${v.map(show).join(', ')}]`
      : (JSON.stringify(v) ?? String(v));

/** Resolves `options` by `rules`: unknown keys are rejected by the caller (rejectUnknownKeys). */
export function applyRules<R>(owner: string, options: Readonly<Record<string, unknown>>, rules: OptionRules<R>): R {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(rules) as [string, OptionRule<unknown>][]) {
    const value = options[name];
    out[name] = rule(value, (want) =>
      fail('INVALID_OPTION', `${owner} option '${name}' must be ${want}, got ${show(value)}`, { option: name, value }),
    );
  }
  return out as R;
}

/** Rule builders for the common kinds of option. */
export const optionRules = {
  boolean:
    (fallback: boolean): OptionRule<boolean> =>
    (v, invalid) =>
      v === undefined ? fallback : typeof v === 'boolean' ? v : invalid('a boolean'),
  /** an integer >= min, or undefined (the runtime's default) when absent */
  integer:
    (min: number): OptionRule<number | undefined> =>
    (v, invalid) =>
      v === undefined
        ? undefined
        : Number.isInteger(v) && (v as number) >= min
          ? (v as number)
          : invalid(`an integer >= ${min}`),
  oneOf:
    <T extends string>(values: readonly T[], fallback: T): OptionRule<T> =>
    (v, invalid) =>
      v === undefined
        ? fallback
        : values.includes(v as T)
          ? (v as T)
          : invalid(`one of ${values.map(show).join(', ')}`),
  /** a non-empty list of distinct names drawn from `values`, in order of preference */
  preferenceList:
    <T extends string>(values: readonly T[], fallback: readonly T[]): OptionRule<readonly T[]> =>
    (v, invalid) => {
      if (v === undefined) return fallback;
      const want = `a non-empty list of distinct names from ${values.map(show).join(', ')}`;
      if (!Array.isArray(v) || v.length === 0 || new Set(v).size !== v.length) invalid(want);
      const unknown = (v as unknown[]).find((x) => !values.includes(x as T));
      if (unknown !== undefined) invalid(`${want} (${show(unknown)} is not one)`);
      return v as T[];
    },
  /** any value the backend checks itself (e.g. a URL or a record of URLs), undefined when absent */
  passThrough:
    <T>(check: (v: unknown) => boolean, want: string): OptionRule<T | undefined> =>
    (v, invalid) =>
      v === undefined ? undefined : check(v) ? (v as T) : invalid(want),
};
