import { defineConfig } from 'vitest/config';

// One run over every workspace package; `source` resolves workspace imports to TypeScript sources,
// so tests never depend on a stale build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'examples/*/vitest.config.ts',
      'tools/*/vitest.config.ts',
    ],
    // Two test files at a time: much of the run waits on Chromium, child processes or onnxruntime's own threads,
    // and the longest files (one browser backend each) then overlap with the rest.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
