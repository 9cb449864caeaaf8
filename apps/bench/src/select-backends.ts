import { allBackends, type BenchBackend } from '@lossgraph-tools/testing';
import { UsageError } from './args.js';

/** The backends named on the command line (all known ones when none are named); unknown names are usage errors. */
export function selectBackends(names: readonly string[] | undefined): BenchBackend[] {
  const all = allBackends();
  if (names === undefined || names.length === 0) return all;
  return names.map((n) => {
    const b = all.find((x) => x.name === n);
    if (b === undefined) throw new UsageError(`unknown backend '${n}' (known: ${all.map((x) => x.name).join(', ')})`);
    return b;
  });
}
