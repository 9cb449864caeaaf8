import { fail } from '../errors.js';
import { bindSymbols } from '../interpreter/interpret.js';
import type { SymbolEnv } from '../ir/types.js';
import type { CompileOptions, Feeds, LossProgram } from './contract.js';

/**
 * The checks every backend runs before executing a program: feeds present with the right dtype and
 * shape (binding the symbolic dims), then the program's own input validation unless disabled.
 */
export function checkFeeds(program: LossProgram, feeds: Feeds, options: CompileOptions = {}): SymbolEnv {
  const env = bindSymbols(program.graph, feeds);
  for (const id of program.graph.inputs) {
    const v = program.graph.values[id]!;
    const f = feeds[v.name!]!;
    const n = f.shape.reduce((a, b) => a * b, 1);
    if (f.data.length !== n) {
      fail('SHAPE_MISMATCH', `input '${v.name}': shape [${f.shape}] needs ${n} values, data holds ${f.data.length}`, { tensor: v.name });
    }
  }
  if (options.validate ?? true) program.validateInputs?.(feeds);
  return env;
}

/** Guards a compiled loss against use after dispose(). */
export class DisposeGuard {
  private disposed = false;
  constructor(private readonly what: string) {}
  check(): void {
    if (this.disposed) fail('DISPOSED', `${this.what} was disposed; compile the graph again to run it`);
  }
  dispose(): boolean {
    const first = !this.disposed;
    this.disposed = true;
    return first;
  }
}
