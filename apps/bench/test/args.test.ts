import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../src/args.js';

describe('parseFlags (node:util parseArgs)', () => {
  const known = ['batch', 'json'];

  it('reads --name value and --name=value; the last of a repeated flag wins', () => {
    expect(parseFlags(['--batch', '1,8', '--json=out.json'], known)).toEqual({ batch: '1,8', json: 'out.json' });
    expect(parseFlags(['--batch', '1', '--batch', '32'], known)).toEqual({ batch: '32' });
    expect(parseFlags([], known)).toEqual({});
  });

  it('an unknown flag, a flag without its value or a positional argument is a UsageError naming it', () => {
    expect(() => parseFlags(['--bacth', '1'], known)).toThrow(
      new UsageError("Unknown option '--bacth' (known: --batch, --json)"),
    );
    expect(() => parseFlags(['--json'], known)).toThrow(/'--json <value>' argument missing/);
    expect(() => parseFlags(['stray'], known)).toThrow(/Unexpected argument 'stray'/);
    expect(() => parseFlags(['stray'], known)).toThrow(UsageError);
  });
});
