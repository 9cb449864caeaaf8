import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The settings every package's vitest project shares: workspace imports resolve to TypeScript sources
 * (`source` condition) and the timeouts suit real runtimes on a 2-core machine.
 */
export function lossgraphProject(name: string, test: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: { name, include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, ...test },
  });
}
