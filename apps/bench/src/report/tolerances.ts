/**
 * docs/FIXTURES.md tolerances per fixture, so the report can show error / tolerance: `bench validate` gives
 * absolute errors, and the tolerance depends on the fixture's expected values.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixture, fixtureTolerances as tolerancesOf } from '@lossgraph/core/testing';

/** The tolerance of each loss term and gradient of one fixture, by output name. */
export type Tolerance = Readonly<Record<string, number>>;

/** The tolerances of each named fixture found as NAME.safetensors in one of `dirs` (the first match wins). */
export async function fixtureTolerances(
  names: readonly string[],
  dirs: readonly string[],
): Promise<Map<string, Tolerance>> {
  const out = new Map<string, Tolerance>();
  for (const name of names) {
    const path = dirs.map((d) => join(d, `${name}.safetensors`)).find((p) => existsSync(p));
    if (!path) continue;
    try {
      out.set(name, tolerancesOf(await loadFixture(path)));
    } catch {
      // an unreadable fixture: its cells show pass/fail without a ratio
    }
  }
  return out;
}
