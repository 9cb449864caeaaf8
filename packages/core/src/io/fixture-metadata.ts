import { fail } from '../errors.js';

/** Typed readers of `__metadata__` values, failing with INVALID_FIXTURE naming the file and key. */
export function metadataReader(meta: Readonly<Record<string, string>>, file: string) {
  const invalid = (key: string, want: string): never =>
    fail('INVALID_FIXTURE', `${file}: metadata '${key}' must be ${want}, got ${meta[key]}`, { file });
  return {
    num(key: string, fallback: number): number {
      const v = meta[key];
      if (v === undefined) return fallback;
      const x = Number(v);
      return Number.isFinite(x) ? x : invalid(key, 'a number');
    },
    oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
      const v = meta[key] ?? fallback;
      return (allowed as readonly string[]).includes(v) ? (v as T) : invalid(key, `one of ${allowed.join(', ')}`);
    },
    bool(key: string, fallback: boolean): boolean {
      const v = meta[key];
      return v === undefined ? fallback : v === 'true' ? true : v === 'false' ? false : invalid(key, 'true or false');
    },
    pair(key: string, fallback: string): [number, number] {
      const v = (meta[key] ?? fallback).split(',').map(Number);
      const [a = NaN, b = NaN] = v;
      return v.length === 2 && Number.isFinite(a) && Number.isFinite(b) ? [a, b] : invalid(key, 'two numbers');
    },
  };
}

export type MetadataReader = ReturnType<typeof metadataReader>;
