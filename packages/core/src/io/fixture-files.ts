import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readMultiboxFixture, type MultiboxFixture } from './fixture.js';

/** The `.safetensors` files of a folder, sorted by name. */
export async function listFixtureFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.safetensors')).sort();
  return names.map((n) => join(dir, n));
}

/** Fixture name: the file name without its extension. */
export function fixtureName(path: string): string {
  return basename(path).replace(/\.safetensors$/, '');
}

export async function loadMultiboxFixture(path: string): Promise<MultiboxFixture> {
  return readMultiboxFixture(new Uint8Array(await readFile(path)), fixtureName(path));
}
