import type { Outputs } from '../backend/contract.js';
import type { MultiboxFixture } from '../io/fixture.js';

/** FIXTURES.md tolerances. */
export const TOLERANCE = {
  /** |got - want| <= LOSS_REL * max(1, |want|) */
  LOSS_REL: 1e-4,
  /** max |got - want| <= GRAD_REL * max(GRAD_FLOOR, max |want|) */
  GRAD_REL: 1e-4,
  GRAD_FLOOR: 1e-3,
} as const;

export interface FixtureComparison {
  readonly pass: boolean;
  /** worst absolute error per output (NaN where the backend gave a non-finite value) */
  readonly diff: { loss_l: number; loss_c: number; grad_loc: number; grad_conf: number };
  /** one line per failed check */
  readonly failures: string[];
}

function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Infinity;
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? NaN : d;
    if (Number.isNaN(m)) return NaN;
  }
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * Compares a backend's outputs with a fixture under the FIXTURES.md tolerances. Checks the losses and
 * gradients, and `conf_t_label` / `num_pos` exactly when the outputs include them.
 */
export function compareWithFixture(out: Outputs, fx: MultiboxFixture): FixtureComparison {
  const failures: string[] = [];
  const e = fx.expected;
  const lossDiff = (name: 'loss_l' | 'loss_c') => {
    const got = out[name]?.data[0];
    const d = got === undefined ? NaN : Math.abs(got - e[name]);
    const tol = TOLERANCE.LOSS_REL * Math.max(1, Math.abs(e[name]));
    if (!(d <= tol)) failures.push(`${name}: got ${got}, want ${e[name]} (error ${d}, tolerance ${tol})`);
    return d;
  };
  const gradDiff = (name: 'grad_loc' | 'grad_conf') => {
    const got = out[name];
    const d = got === undefined ? NaN : maxAbsDiff(got.data, e[name]);
    const tol = TOLERANCE.GRAD_REL * Math.max(TOLERANCE.GRAD_FLOOR, maxAbs(e[name]));
    if (!(d <= tol)) failures.push(`${name}: max error ${d} above tolerance ${tol}${got === undefined ? ' (output missing)' : ''}`);
    return d;
  };
  const diff = { loss_l: lossDiff('loss_l'), loss_c: lossDiff('loss_c'), grad_loc: gradDiff('grad_loc'), grad_conf: gradDiff('grad_conf') };
  for (const name of ['conf_t_label', 'num_pos'] as const) {
    const got = out[name];
    if (got === undefined) continue;
    const mism = maxAbsDiff(got.data, e[name]);
    if (mism !== 0) failures.push(`${name}: differs from the fixture (max difference ${mism})`);
  }
  return { pass: failures.length === 0, diff, failures };
}
