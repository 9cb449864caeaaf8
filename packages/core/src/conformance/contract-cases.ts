import type { CompiledLoss, CompileOptions, Feeds, LossProgram } from '../backend/contract.js';
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir/graph.js';

/** The synthetic program of the contract cases, the same on every backend: y = 2x. */
function doubleGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N']);
  b.output('y', x.mul(2));
  return b.build();
}

const feeds = (...xs: number[]): Feeds => ({
  x: { dtype: 'float32', shape: [xs.length], data: Float32Array.from(xs) },
});

export type Compile = (program: LossProgram, options?: CompileOptions) => Promise<CompiledLoss>;

/** What one case checks; throws (with a message) when the backend breaks the contract. */
export interface ContractCase {
  readonly name: string;
  run(compile: Compile): Promise<void>;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: { code?: string }) => e?.code ?? `not a LossGraphError: ${String(e)}`,
  );
}

async function using(compile: Compile, p: LossProgram, body: (loss: CompiledLoss) => Promise<void>): Promise<void> {
  const loss = await compile(p);
  try {
    await body(loss);
  } finally {
    await loss.dispose();
  }
}

export const CONTRACT_CASES: readonly ContractCase[] = [
  {
    name: 'contract/run-after-dispose',
    run: async (compile) => {
      const loss = await compile({ graph: doubleGraph() });
      await loss.dispose();
      const code = await codeOf(loss.run(feeds(1, 2)));
      if (code !== 'DISPOSED') throw new Error(`a run after dispose() gave ${code ?? 'a result'}, want DISPOSED`);
    },
  },
  {
    name: 'contract/run-null',
    run: (compile) =>
      using(compile, { graph: doubleGraph() }, async (loss) => {
        for (const bad of [null, undefined]) {
          const code = await codeOf(loss.run(bad as never));
          if (code !== 'MISSING_INPUT') throw new Error(`run(${bad}) gave ${code ?? 'a result'}, want MISSING_INPUT`);
        }
      }),
  },
  {
    name: 'contract/float64-feeds',
    run: (compile) =>
      using(compile, { graph: doubleGraph() }, async (loss) => {
        const out = await loss.run({ x: { dtype: 'float32', shape: [3], data: Float64Array.from([0.1, -2, 3]) } });
        // float32 backends compute on the narrowed values, the float64 reference on the given ones
        const y = Array.from(out.y?.data ?? []);
        const want = [0.2, -4, 6];
        if (y.length !== 3 || y.some((v, i) => !(Math.abs(v - want[i]!) <= 1e-6 * Math.max(1, Math.abs(want[i]!))))) {
          throw new Error(
            `y of Float64Array feeds: got ${JSON.stringify(y)}, want ${JSON.stringify(want)} (to float32 precision)`,
          );
        }
      }),
  },
  {
    name: 'contract/unknown-option',
    run: async (compile) => {
      const error = await compile({ graph: doubleGraph() }, { validte: false } as CompileOptions).then(
        async (loss) => {
          await loss.dispose();
          return undefined;
        },
        (e: { code?: string; message?: string }) => e,
      );
      if (error?.code !== 'INVALID_OPTION' || !/'validte'.*did you mean 'validate'/.test(error.message ?? '')) {
        throw new Error(
          `compile({ validte: false }) gave ${error === undefined ? 'a compiled loss' : `${error.code}: ${error.message}`}, want INVALID_OPTION naming 'validte' and 'validate'`,
        );
      }
    },
  },
];
