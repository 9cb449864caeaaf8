import type { OrtSessionHandle } from '@lossgraph/onnxruntime-common';
import type { InferenceSession } from 'onnxruntime-node';

interface Entry {
  readonly open: Promise<InferenceSession>;
  refs: number;
  running: number;
  released: boolean;
}

const cache = new Map<string, Entry>();

async function releaseIfUnused(key: string, entry: Entry): Promise<void> {
  if (entry.refs > 0 || entry.running > 0 || entry.released) return;
  entry.released = true;
  if (cache.get(key) === entry) cache.delete(key);
  await (await entry.open).release();
}

/**
 * One InferenceSession per key (graph hash, provider and session options), shared by every compiled
 * loss of that graph and reference-counted. A session that fails to start is not cached, so a later
 * compile retries.
 */
export async function acquireSession(key: string, create: () => Promise<InferenceSession>): Promise<OrtSessionHandle> {
  let entry = cache.get(key);
  if (entry === undefined) {
    const created: Entry = { open: Promise.resolve().then(create), refs: 0, running: 0, released: false };
    cache.set(key, created);
    created.open.catch(() => {
      if (cache.get(key) === created) cache.delete(key);
    });
    entry = created;
  }
  entry.refs++;
  const held = entry;
  let session: InferenceSession;
  try {
    session = await held.open;
  } catch (e) {
    held.refs--;
    throw e;
  }
  let returned = false;
  return {
    async run(feeds, fetches) {
      held.running++;
      try {
        return await session.run(feeds, [...fetches]);
      } finally {
        held.running--;
        await releaseIfUnused(key, held);
      }
    },
    async release() {
      if (returned) return;
      returned = true;
      held.refs--;
      await releaseIfUnused(key, held);
    },
  };
}

/** Number of live sessions (for tests). */
export function liveSessionCount(): number {
  return cache.size;
}
