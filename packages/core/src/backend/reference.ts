import { interpret } from '../interpreter/interpret.js';
import type { CompileOptions, Outputs } from './contract.js';
import { defineSyncBackend } from './define.js';

/**
 * The reference interpreter as a backend: float64 math on typed arrays, no runtime needed. Synchronous
 * (it compiles nothing), and it computes on feeds as given (float64 data is not narrowed).
 */
export const compileReference = defineSyncBackend<CompileOptions, object>({
  name: 'reference',
  options: {},
  precision: 'float64',
  compileGraph: (graph) => ({
    backend: 'reference',
    device: 'float64 interpreter',
    run: async (feeds, outputs) => interpret(graph, feeds, outputs) as Outputs,
    dispose: () => undefined,
  }),
});
