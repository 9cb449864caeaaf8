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
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
