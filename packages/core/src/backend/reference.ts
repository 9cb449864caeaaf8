import type { Graph } from '../ir/graph.js';
import { interpret } from '../interpreter/interpret.js';
import { asProgram, type CompiledLoss, type CompileOptions, type LossProgram, type Outputs } from './contract.js';
import { checkFeeds, DisposeGuard } from './prepare.js';

/** The reference interpreter as a backend: float64 math on typed arrays, no runtime needed. */
export function compileReference(graphOrProgram: Graph | LossProgram, options: CompileOptions = {}): CompiledLoss {
  const program = asProgram(graphOrProgram);
  const guard = new DisposeGuard('reference compiled loss');
  return {
    backend: 'reference',
    device: 'float64 interpreter',
    outputNames: program.graph.outputs.map((o) => o.name),
    async run(feeds, outputs) {
      guard.check();
      checkFeeds(program, feeds, options);
      return interpret(program.graph, feeds, outputs) as Outputs;
    },
    async dispose() {
      guard.dispose();
    },
  };
}
