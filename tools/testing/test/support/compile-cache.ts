import type { CompiledLoss, LossProgram } from '@lossgraph/core';
import type { BenchBackend } from '../../src/backends/types.js';

/**
 * Compiled losses of one backend keyed by loss options, the few most recent kept. Shrinking re-runs
 * nearby problems, which mostly share options, so this saves most compiles (an ONNX Runtime session
 * or a page round trip each). Evicted entries are disposed.
 */
export class CompileCache {
  private readonly entries = new Map<string, Promise<CompiledLoss>>();
  constructor(
    private readonly backend: BenchBackend,
    private readonly size = 3,
  ) {}

  get(key: string, program: () => LossProgram): Promise<CompiledLoss> {
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
    } else {
      entry = this.backend.compile(program());
      entry.catch(() => this.entries.delete(key));
      while (this.entries.size >= this.size) {
        const [oldKey, old] = this.entries.entries().next().value!;
        this.entries.delete(oldKey);
        void old.then((c) => c.dispose()).catch(() => {});
      }
    }
    this.entries.set(key, entry);
    return entry;
  }

  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) await e.then((c) => c.dispose()).catch(() => {});
  }
}
