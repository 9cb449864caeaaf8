import { LossGraphError } from '@lossgraph/core';

/** Why one execution provider could not start. */
export interface ProviderFailure {
  readonly executionProvider: string;
  readonly reason: string;
}

export const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Tries `open` on each provider in order and returns the first that starts. Every provider skipped is
 * warned about (naming the one tried next, with `hint`); when none starts, one LossGraphError 'BACKEND_UNAVAILABLE'
 * lists every candidate and why it failed (`hint` appended, e.g. how to install a provider).
 */
export async function firstThatStarts<EP extends string, S>(
  runtime: string,
  providers: readonly EP[],
  open: (ep: EP) => Promise<S>,
  hint?: (failures: readonly ProviderFailure[]) => string | undefined,
): Promise<{ readonly ep: EP; readonly opened: S }> {
  const failures: ProviderFailure[] = [];
  for (const [k, ep] of providers.entries()) {
    try {
      return { ep, opened: await open(ep) };
    } catch (error) {
      const reason = reasonOf(error);
      failures.push({ executionProvider: ep, reason });
      const next = providers[k + 1];
      const extra = hint?.(failures);
      if (next !== undefined)
        console.warn(
          `@lossgraph/${runtime}: execution provider '${ep}' could not start (${reason}); falling back to '${next}'${extra ? `. ${extra}` : ''}`,
        );
    }
  }
  const extra = hint?.(failures);
  throw new LossGraphError(
    'BACKEND_UNAVAILABLE',
    `${runtime}: no execution provider could start (${failures.map((f) => `${f.executionProvider}: ${f.reason}`).join('; ')})${extra ? `. ${extra}` : ''}`,
    { runtime, executionProviders: [...providers], failures },
  );
}
