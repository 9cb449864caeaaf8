import type { Outputs } from '../backend/contract.js';
import { type Fixture, fixtureOutputs } from '../io/fixture.js';

/** docs/FIXTURES.md tolerances. */
export const TOLERANCE = {
  /** |got - want| <= LOSS_REL * max(1, |want|) */
  LOSS_REL: 1e-4,
  /** max |got - want| <= GRAD_REL * max(GRAD_FLOOR, max |want|) */
  GRAD_REL: 1e-4,
  GRAD_FLOOR: 1e-3,
} as const;

export interface FixtureComparison {
  readonly pass: boolean;
  /** worst absolute error per loss term and gradient, by output name (NaN where the backend gave a non-finite value or none) */
  readonly diff: Readonly<Record<string, number>>;
  /** one line per failed check */
  readonly failures: string[];
}

function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let m = 0;
  const g = Array.from(got);
  for (const [i, w] of Array.from(want).entries()) {
    const d = Math.abs((g[i] ?? NaN) - w);
    if (!(d <= m)) m = Number.isNaN(d) ? NaN : d;
    if (Number.isNaN(m)) return NaN;
  }
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (const v of Array.from(a)) m = Math.max(m, Math.abs(v));
  return m;
}

type Expected = Readonly<Record<string, number | Float32Array | Int32Array>>;

/** The docs/FIXTURES.md tolerance of each loss term and gradient of a fixture, by output name. */
export function fixtureTolerances(fx: Fixture): Record<string, number> {
  const e = fx.expected as Expected;
  const { losses, gradients } = fixtureOutputs(fx.loss);
  const out: Record<string, number> = {};
  for (const n of losses) out[n] = TOLERANCE.LOSS_REL * Math.max(1, Math.abs(e[n] as number));
  for (const n of gradients) out[n] = TOLERANCE.GRAD_REL * Math.max(TOLERANCE.GRAD_FLOOR, maxAbs(e[n] as Float32Array));
  return out;
}

/**
 * Compares a backend's outputs with a fixture of any loss under the docs/FIXTURES.md tolerances: every loss
 * term and gradient of the fixture's loss, and its integer diagnostics (`conf_t_label`, `num_pos`,
 * `matched_idxs`) exactly when the outputs include them.
 */
export function compareWithFixture(out: Outputs, fx: Fixture): FixtureComparison {
  const failures: string[] = [];
  const e = fx.expected as Expected;
  const { losses, gradients, integers } = fixtureOutputs(fx.loss);
  const tolerance = fixtureTolerances(fx);
  const diff: Record<string, number> = {};
  for (const name of losses) {
    const want = e[name] as number;
    const got = out[name]?.data[0];
    const d = got === undefined ? NaN : Math.abs(got - want);
    // no tolerance for it: a failure
    if (!(d <= (tolerance[name] ?? NaN)))
      failures.push(`${name}: got ${got}, want ${want} (error ${d}, tolerance ${tolerance[name]})`);
    diff[name] = d;
  }
  for (const name of gradients) {
    const got = out[name];
    const d = got === undefined ? NaN : maxAbsDiff(got.data, e[name] as Float32Array);
    if (!(d <= (tolerance[name] ?? NaN)))
      // no tolerance for it: a failure
      failures.push(
        `${name}: max error ${d} above tolerance ${tolerance[name]}${got === undefined ? ' (output missing)' : ''}`,
      );
    diff[name] = d;
  }
  for (const name of integers) {
    const got = out[name];
    if (got === undefined) continue;
    const mism = maxAbsDiff(got.data, e[name] as Int32Array);
    if (mism !== 0) failures.push(`${name}: differs from the fixture (max difference ${mism})`);
  }
  return { pass: failures.length === 0, diff, failures };
}
