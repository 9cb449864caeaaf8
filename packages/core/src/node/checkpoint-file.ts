import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Trainer } from '../training/trainer.js';

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same folder (so on the same file
 * system), flushed, then renamed over `path`. Readers see the old file or the new one, never a part; a
 * failed write removes the temporary file and leaves an existing `path` as it was.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, bytes, { flush: true });
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Writes the trainer's checkpoint (`trainer.save()`) to `path`, atomically (see `writeFileAtomic`). */
export async function saveCheckpoint(trainer: Pick<Trainer, 'save'>, path: string): Promise<void> {
  await writeFileAtomic(path, trainer.save());
}

/** Restores the trainer from the checkpoint file at `path` (LossGraphError 'INVALID_CHECKPOINT' naming it). */
export async function loadCheckpoint(trainer: Pick<Trainer, 'load'>, path: string): Promise<void> {
  trainer.load(new Uint8Array(await readFile(path)), path);
}
