import { parseArgs } from 'node:util';

/**
 * The flags of a bench command, by node:util `parseArgs` (strict): `--name value` or `--name=value` for
 * each known flag, all strings. An unknown flag, a missing value or a positional argument is a UsageError.
 */
export function parseFlags(args: readonly string[], known: readonly string[]): Record<string, string> {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: Object.fromEntries(known.map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return { ...values } as Record<string, string>;
  } catch (error) {
    // parseArgs's first sentence names the flag; its advice about '--' does not apply here
    const why = (error as Error).message.split('. ')[0]!;
    throw new UsageError(`${why} (known: ${known.map((k) => `--${k}`).join(', ')})`);
  }
}

export function parseList(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export class UsageError extends Error {}
