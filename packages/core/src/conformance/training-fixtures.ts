import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTrainingFixtureFiles, loadTrainingFixture } from '../io/fixture-files.js';
import { repoFixturesDir } from '../testing/paths.js';
import { type ModelImporter, runTrainingFixture, type TrainingCompile } from '../testing/training-fixture.js';

/** A backend as the training-fixture cases need it: its compile, and the ONNX importer (`importOnnx`). */
export interface TrainingFixtureEnv {
  readonly name: string;
  readonly compile: TrainingCompile;
  readonly importModel: ModelImporter;
  /** why the backend's cases are skipped (its runtime missing), or null/undefined to run them */
  readonly skip?: string | null;
}

/**
 * Registers every committed training-step fixture (`fixtures/train_*`, docs/FIXTURES.md "Training steps": every
 * registered loss with a training part, torchvision's own architectures among them) on a backend: losses of every
 * step, step-0 gradients, parameters, running stats and eval outputs within the file's tolerances. Top-level
 * await: call it at module level of a test file.
 */
export async function describeTrainingFixtures(env: TrainingFixtureEnv): Promise<void> {
  const files = await listTrainingFixtureFiles(repoFixturesDir());
  const register = env.skip ? it.skip : it;
  describe(`${env.name}: the committed training-step fixtures`, () => {
    it('has them', () => {
      expect(files.length).toBeGreaterThanOrEqual(1);
    });
    for (const file of files)
      register(
        `${basename(file, '.safetensors')}: every quantity within the file's tolerances`,
        async () => {
          const fx = await loadTrainingFixture(file);
          const result = await runTrainingFixture(env.compile, fx, env.importModel);
          console.log(`${env.name} ${fx.name}: worst error / tolerance ${JSON.stringify(result.worst)}`);
          expect(result.failures).toEqual([]);
        },
        300_000,
      );
  });
}
