import { existsSync } from 'node:fs';
import type { Feeds, LossProgram, Outputs } from '../backend/contract.js';
import { fixtureName, listFixtureFiles, loadFixture } from '../io/fixture-files.js';
import { compareDiagnostics, loadDiagnostics } from '../testing/diagnostics.js';
import { fixtureProgram, fixtureProgramKey } from '../testing/fixture-program.js';
import { repoFixturesDir, sampleFixturePath } from '../testing/paths.js';
import { compareWithFixture } from '../testing/tolerance.js';

/** A fixture as the conformance suite uses it, whatever loss wrote it. */
export interface ConformanceFixture {
  readonly name: string;
  readonly program: LossProgram;
  /** programs with the same key share one compiled loss */
  readonly programKey: string;
  readonly inputs: Feeds;
  /**
   * the docs/FIXTURES.md comparison: one line per failed check, and the worst errors; the diagnostics too
   * (same run: the fixture program has `diagnostics: true`) where the fixture has a companion file
   */
  compare(out: Outputs): { readonly failures: readonly string[]; readonly diff: Readonly<Record<string, number>> };
}

/** The one place the conformance suite touches fixture files: list, load, program, compare (every loss). */
export const fixtureAdapter = {
  async list(): Promise<string[]> {
    const sample = sampleFixturePath();
    return [...(await listFixtureFiles(repoFixturesDir())), ...(existsSync(sample) ? [sample] : [])];
  },
  name: fixtureName,
  async load(path: string): Promise<ConformanceFixture> {
    const fx = await loadFixture(path);
    const diagnostics = await loadDiagnostics(path);
    return {
      name: path === sampleFixturePath() ? `${fx.name} (independent sample)` : fx.name,
      program: fixtureProgram(fx),
      programKey: fixtureProgramKey(fx),
      inputs: fx.inputs,
      compare: (out) => {
        const cmp = compareWithFixture(out, fx);
        if (diagnostics === undefined) return cmp;
        const diag = compareDiagnostics(out, diagnostics);
        return { failures: [...cmp.failures, ...diag.failures], diff: cmp.diff };
      },
    };
  },
};
