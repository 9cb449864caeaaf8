import { fail } from '../errors.js';
import type { Dim, Shape, SymbolEnv } from './types.js';

export function dimToString(d: Dim): string {
  return String(d);
}

export function shapeToString(s: Shape): string {
  return `[${s.map(dimToString).join(',')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Numpy/ONNX broadcasting with symbolic dims: right-aligned; equal dims (same number or same symbol)
 * stay, a literal 1 stretches. A symbol never broadcasts against a different symbol or number.
 */
export function broadcastShapes(...shapes: Shape[]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (dim === 1) dim = d;
      else if (dim !== d) {
        fail('INVALID_GRAPH', `cannot broadcast shapes ${shapes.map(shapeToString).join(' and ')}`);
      }
    }
    out.push(dim);
  }
  return out;
}

/** Resolves a static shape to numbers. */
export function resolveShape(s: Shape, env: SymbolEnv): number[] {
  return s.map((d) => resolveDim(d, env));
}

export function resolveDim(d: Dim, env: SymbolEnv): number {
  if (typeof d === 'number') return d;
  const v = env[d];
  if (v === undefined) fail('UNBOUND_SYMBOL', `symbolic dim '${d}' has no value`, { symbol: d });
  return v;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** The size of axis `axis` of a shape, an axis its op's rule has checked (fails on a broken invariant). */
export function dimAt<D extends Dim>(shape: readonly D[], axis: number): D {
  const d = shape[axis];
  if (d === undefined) fail('INVALID_GRAPH', `axis ${axis} out of range for rank ${shape.length}`);
  return d;
}

/** Normalises a possibly negative axis against a rank, failing when out of range. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) fail('INVALID_GRAPH', `axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function symbolsOf(s: Shape): string[] {
  return s.filter((d): d is string => typeof d === 'string');
}
