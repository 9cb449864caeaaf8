import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('browser bundle', () => {
  it('the main entry bundles for the browser: no Node built-ins (node:*, fs, path, ...) anywhere in it', async () => {
    // esbuild fails on a Node built-in when bundling for the browser; tfjs stays external (a peer)
    const result = await build({
      entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['source'],
      external: ['@tensorflow/tfjs-core'],
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    expect(imports.filter((p) => !p.startsWith('@tensorflow/') && !p.includes('/src/'))).toEqual([]);
  });
});
