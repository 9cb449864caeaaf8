import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { MultiboxFixture } from '../losses/multibox/fixture.js';
import { type Fixture, readFixture, readMultiboxFixture } from './fixture.js';
import { readTrainingFixture, type TrainingFixture } from './training-fixture.js';

/** Training-step fixtures (docs/FIXTURES.md, "Training steps") are named `train_*.safetensors`. */
const TRAINING_PREFIX = 'train_';

async function safetensorsFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.safetensors')).sort();
}

/** The loss fixtures of a folder (its `.safetensors` files except the training-step ones), sorted by name. */
export async function listFixtureFiles(dir: string): Promise<string[]> {
  const names = (await safetensorsFiles(dir)).filter((n) => !n.startsWith(TRAINING_PREFIX));
  return names.map((n) => join(dir, n));
}

/** The training-step fixtures of a folder (`train_*.safetensors`), sorted by name. */
export async function listTrainingFixtureFiles(dir: string): Promise<string[]> {
  const names = (await safetensorsFiles(dir)).filter((n) => n.startsWith(TRAINING_PREFIX));
  return names.map((n) => join(dir, n));
}

/** Fixture name: the file name without its extension. */
export function fixtureName(path: string): string {
  return basename(path).replace(/\.safetensors$/, '');
}

/** Reads the fixture file at `path`, whatever loss it names. */
export async function loadFixture(path: string): Promise<Fixture> {
  return readFixture(new Uint8Array(await readFile(path)), fixtureName(path));
}

/** Reads a MultiBoxLoss fixture (fails with INVALID_FIXTURE on another loss). */
export async function loadMultiboxFixture(path: string): Promise<MultiboxFixture> {
  return readMultiboxFixture(new Uint8Array(await readFile(path)), fixtureName(path));
}

/** Reads the training-step fixture at `path` (docs/FIXTURES.md, "Training steps"). */
export async function loadTrainingFixture(path: string): Promise<TrainingFixture> {
  return readTrainingFixture(new Uint8Array(await readFile(path)), fixtureName(path));
}
