import { compileReference } from '@lossgraph/core';
import type { BenchBackend } from './types.js';

export const referenceBackend: BenchBackend = {
  name: 'reference',
  probe: async () => ({ available: true }),
  compile: async (program, options) => compileReference(program, options),
};
