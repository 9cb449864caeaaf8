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
    for (const m of readFileSync(file, 'utf8').matchAll(
      /(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\s+'([^']+)'/g,
    )) {
      const spec = m[1] ?? m[2] ?? '';
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else specifiers.add(spec);
    }
  };
  visit(join(SRC, entry));
  return { files: [...files], specifiers: [...specifiers] };
}

describe('entries', () => {
  it('the main entry (trainer and checkpoints included) imports no Node built-ins', () => {
    const { files, specifiers } = importsFrom('index.ts');
    expect(files.some((f) => f.endsWith(join('training', 'trainer.ts')))).toBe(true);
    expect(specifiers).toEqual([]);
  });
  it('@lossgraph/core/node holds the file system part of checkpoints', () => {
    expect(importsFrom(join('node', 'index.ts')).specifiers.sort()).toEqual([
      'node:crypto',
      'node:fs/promises',
      'node:path',
    ]);
  });
});
