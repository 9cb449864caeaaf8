import { allBackends } from '../../src/backends/index.js';
import type { BenchBackend } from '../../src/backends/types.js';

/** A bench backend as the cross-backend tests see it: available here, or skipped with the reason. */
export interface ProbedBackend {
  readonly backend: BenchBackend;
  readonly name: string;
  /** null when available; otherwise why it cannot run here (printed, and put in the skipped test's name) */
  readonly skip: string | null;
  /** runs in headless Chromium: every call crosses a page boundary, so property tests do fewer runs */
  readonly browser: boolean;
}

/**
 * Every backend of the bench's BACKENDS list (so new backends join these tests as they land), probed.
 * `which` picks backends by name (unpicked ones are not even probed, so no browser starts for them);
 * LOSSGRAPH_TEST_BACKENDS=name,name narrows the list for a quick local run.
 */
export async function probeBackends(which: (name: string) => boolean = () => true): Promise<ProbedBackend[]> {
  const only = process.env.LOSSGRAPH_TEST_BACKENDS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const probe = async (backend: BenchBackend): Promise<ProbedBackend> => {
    const browser = backend.name.startsWith('browser-');
    if (only !== undefined && !only.includes(backend.name))
      return { backend, name: backend.name, skip: 'not in LOSSGRAPH_TEST_BACKENDS', browser };
    const a = await backend
      .probe()
      .catch((e: unknown) => ({ available: false as const, reason: e instanceof Error ? e.message : String(e) }));
    return { backend, name: backend.name, skip: a.available ? null : a.reason, browser };
  };
  const probed = await Promise.all(
    allBackends()
      .filter((b) => which(b.name))
      .map(probe),
  );
  for (const p of probed) if (p.skip !== null) console.log(`backend ${p.name} skipped: ${p.skip}`);
  return probed;
}

/** The probed backend of that name, or a skipped placeholder when the bench does not list it (yet). */
export function named(probed: readonly ProbedBackend[], name: string): ProbedBackend {
  const found = probed.find((p) => p.name === name);
  if (found !== undefined) return found;
  const missing: BenchBackend = {
    name,
    probe: async () => ({ available: false, reason: 'not in the bench BACKENDS list' }),
    compile: async () => {
      throw new Error(`${name} is not in the bench BACKENDS list`);
    },
  };
  return { backend: missing, name, skip: "not in the bench's BACKENDS list", browser: false };
}

/** The test title for a backend: skipped ones carry their reason, so the report says why. */
export function titled(p: ProbedBackend, what: string): string {
  return p.skip === null
    ? `${p.name}: ${what}`
    : `${p.name}: ${what} (skipped: ${p.skip.split('\n')[0]!.slice(0, 160)})`;
}

export async function closeBackends(probed: readonly ProbedBackend[]): Promise<void> {
  for (const p of probed) await p.backend.close?.().catch(() => {});
}

/** Awaits a run that may throw synchronously or reject; returns the error (undefined when it succeeded). */
export async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** Whether calling `run` threw synchronously instead of returning a rejected promise (the contract). */
export function throwsSynchronously(run: () => Promise<unknown>): boolean {
  try {
    run().catch(() => {});
    return false;
  } catch {
    return true;
  }
}
