/** A tiny flag parser: `--name value` and `--name=value`; unknown flags are errors. */
export function parseFlags(args: readonly string[], known: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(', ')})`);
    const value = eq < 0 ? args[++i] : a.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

export function parseList(value: string | undefined): string[] | undefined {
  return value?.split(',').map((s) => s.trim()).filter(Boolean);
}

export class UsageError extends Error {}
