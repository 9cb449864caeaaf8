import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's committed fixtures/ folder (found upwards from this file). */
export function repoFixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return join(dir, 'fixtures');
    dir = resolve(dir, '..');
  }
  throw new Error(`lossgraph repository root not found above ${fileURLToPath(import.meta.url)}`);
}

/** The independent sample fixture beside the checkout (../shared/fixtures), if present. */
export function sampleFixturePath(): string {
  return resolve(repoFixturesDir(), '..', '..', 'shared', 'fixtures', 'sample_p64_c4.safetensors');
}

/** The independent training-step sample beside the checkout (../shared/fixtures), if present. */
export function trainingSampleFixturePath(): string {
  return resolve(repoFixturesDir(), '..', '..', 'shared', 'fixtures', 'train_sample_vgg_bn.safetensors');
}
