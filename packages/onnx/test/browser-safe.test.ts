import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Relative modules reachable from `entry` and every bare import specifier they use. */
function importsFrom(entry: string): { files: string[]; specifiers: string[] } {
  const files = new Set<string>();
  const specifiers = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\s+'([^']+)'/g)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else specifiers.add(spec);
    }
  };
  visit(join(SRC, entry));
  return { files: [...files], specifiers: [...specifiers] };
}

describe('the main entry is browser-safe', () => {
  it('imports no Node built-ins (the export CLI has its own entry)', () => {
    const { files, specifiers } = importsFrom('index.ts');
    expect(files.length).toBeGreaterThan(5);
    expect(specifiers.sort()).toEqual(['@lossgraph/core', 'onnx-proto']);
    expect(files.some((f) => f.endsWith('cli.ts') || f.endsWith('export-command.ts'))).toBe(false);
  });
});
