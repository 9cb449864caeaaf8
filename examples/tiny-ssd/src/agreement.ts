import type { HostTensor } from '@lossgraph/core';

/** docs/FIXTURES.md tolerances: losses 1e-4 relative to max(1, |want|); gradients 1e-4 of max(1e-3, max |want|). */
const LOSS_REL = 1e-4;
const GRAD_REL = 1e-4;
const GRAD_FLOOR = 1e-3;

export interface Agreement<Name extends string = string> {
  readonly name: Name;
  /** |got - want| for a loss, max |got - want| for a gradient */
  readonly error: number;
  readonly tolerance: number;
  readonly pass: boolean;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Checks each named output of `got` against `want` under the docs/FIXTURES.md tolerances (a NaN never passes). */
export function agreement<Name extends string>(
  got: Record<string, HostTensor>,
  want: Record<Name, HostTensor>,
  names: readonly Name[],
): Agreement<Name>[] {
  return names.map((name) => {
    const g = got[name]!.data;
    const w = want[name]!.data;
    const scalar = want[name]!.shape.length === 0;
    let error = g.length === w.length ? 0 : Infinity;
    for (let i = 0; i < w.length && error !== Infinity; i++) {
      const d = Math.abs(g[i]! - w[i]!);
      if (Number.isNaN(d)) {
        error = NaN;
        break;
      }
      error = Math.max(error, d);
    }
    const tolerance = scalar ? LOSS_REL * Math.max(1, Math.abs(w[0]!)) : GRAD_REL * Math.max(GRAD_FLOOR, maxAbs(w));
    return { name, error, tolerance, pass: error <= tolerance };
  });
}
