/**
 * FIXTURES.md tolerances per fixture, so the report can show error / tolerance: `bench validate` gives
 * absolute errors, and the tolerance depends on the fixture's expected values.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadMultiboxFixture, TOLERANCE } from '@lossgraph/core/testing';
import type { DiffName } from './inputs.js';

export type Tolerance = Readonly<Record<DiffName, number>>;

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/** The tolerances of each named fixture found as NAME.safetensors in one of `dirs` (the first match wins). */
export async function fixtureTolerances(names: readonly string[], dirs: readonly string[]): Promise<Map<string, Tolerance>> {
  const out = new Map<string, Tolerance>();
  for (const name of names) {
    const path = dirs.map((d) => join(d, `${name}.safetensors`)).find((p) => existsSync(p));
    if (!path) continue;
    try {
      const e = (await loadMultiboxFixture(path)).expected;
      out.set(name, {
        loss_l: TOLERANCE.LOSS_REL * Math.max(1, Math.abs(e.loss_l)),
        loss_c: TOLERANCE.LOSS_REL * Math.max(1, Math.abs(e.loss_c)),
        grad_loc: TOLERANCE.GRAD_REL * Math.max(TOLERANCE.GRAD_FLOOR, maxAbs(e.grad_loc)),
        grad_conf: TOLERANCE.GRAD_REL * Math.max(TOLERANCE.GRAD_FLOOR, maxAbs(e.grad_conf)),
      });
    } catch {
      // an unreadable fixture: its cells show pass/fail without a ratio
    }
  }
  return out;
}
