/** docs/FIXTURES.md "Training steps" comparisons: loss terms relative to max(1, |want|), tensors to max(1e-3, max |want|). */

/** Worst |got − want| over a tensor (NaN when any got is NaN, Infinity when the sizes differ). */
export function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (Number.isNaN(d)) return NaN;
    if (d > m) m = d;
  }
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** A failure line when loss term `name` is off by more than tolerance · max(1, |want|), else undefined. */
export function lossFailure(
  name: string,
  got: number | undefined,
  want: number,
  tolerance: number,
): string | undefined {
  const d = got === undefined ? NaN : Math.abs(got - want);
  const bound = tolerance * Math.max(1, Math.abs(want));
  return d <= bound
    ? undefined
    : `${name}: got ${got}, want ${want} (error ${d.toExponential(3)} > ${bound.toExponential(3)})`;
}

/** A failure line when tensor `name` is off by more than tolerance · max(1e-3, max |want|) anywhere, else undefined. */
export function tensorFailure(
  name: string,
  got: ArrayLike<number> | undefined,
  want: ArrayLike<number>,
  tolerance: number,
): string | undefined {
  if (got === undefined) return `${name}: missing`;
  const d = maxAbsDiff(got, want);
  const bound = tolerance * Math.max(1e-3, maxAbs(want));
  return d <= bound ? undefined : `${name}: max error ${d.toExponential(3)} > ${bound.toExponential(3)}`;
}
