import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readYolov8Fixture, type Yolov8Fixture } from '../src/index.js';
import { repoFixturesDir } from '../src/testing/index.js';

/** The repository's yolov8 fixtures (fixtures/yolov8_*.safetensors). */
export function yolov8FixturePaths(): string[] {
  const dir = repoFixturesDir();
  return readdirSync(dir)
    .filter((n) => n.startsWith('yolov8_') && n.endsWith('.safetensors'))
    .sort()
    .map((n) => join(dir, n));
}

/** The sample written by Ultralytics' own functions, beside the checkout (../shared/fixtures), if present. */
export function yolov8SamplePath(): string | undefined {
  const path = resolve(repoFixturesDir(), '..', '..', 'shared', 'fixtures', 'yolov8_sample.safetensors');
  return existsSync(path) ? path : undefined;
}

export function loadYolov8Fixture(path: string): Yolov8Fixture {
  return readYolov8Fixture(new Uint8Array(readFileSync(path)), basename(path).replace(/\.safetensors$/, ''));
}
