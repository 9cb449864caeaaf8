import { createSession, type OpenSession } from './session.js';
import type { ResolvedOptions } from './options.js';
import type { InferenceSession } from 'onnxruntime-node';

interface Entry {
  readonly open: Promise<OpenSession>;
  refs: number;
  running: number;
  released: boolean;
}

/** A shared session held by one compiled loss. */
export interface SessionLease {
  readonly device: OpenSession['device'];
  run(feeds: InferenceSession.FeedsType, fetches: readonly string[]): Promise<InferenceSession.ReturnType>;
  /** gives the lease back; the session is released when no lease and no run is left */
  release(): Promise<void>;
}

const cache = new Map<string, Entry>();

async function releaseIfUnused(key: string, entry: Entry): Promise<void> {
  if (entry.refs > 0 || entry.running > 0 || entry.released) return;
  entry.released = true;
  if (cache.get(key) === entry) cache.delete(key);
  await (await entry.open).session.release();
}

/**
 * One InferenceSession per key (graph hash and session options), shared by every compiled loss of that
 * graph and reference-counted. A session that fails to start is not cached, so a later compile retries.
 */
export async function acquireSession(key: string, model: () => Uint8Array, options: ResolvedOptions): Promise<SessionLease> {
  let entry = cache.get(key);
  if (entry === undefined) {
    const created: Entry = { open: Promise.resolve().then(() => createSession(model(), options)), refs: 0, running: 0, released: false };
    cache.set(key, created);
    created.open.catch(() => {
      if (cache.get(key) === created) cache.delete(key);
    });
    entry = created;
  }
  entry.refs++;
  const held = entry;
  let open: OpenSession;
  try {
    open = await held.open;
  } catch (e) {
    held.refs--;
    throw e;
  }
  let returned = false;
  return {
    device: open.device,
    async run(feeds, fetches) {
      held.running++;
      try {
        return await open.session.run(feeds, [...fetches]);
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
