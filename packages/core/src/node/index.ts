/**
 * @lossgraph/core/node: the parts of lossgraph that need Node's file system (the main entry stays
 * browser-safe). Trainer checkpoints as files, written atomically.
 */
export { loadCheckpoint, saveCheckpoint, writeFileAtomic } from './checkpoint-file.js';
