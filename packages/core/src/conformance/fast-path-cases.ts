import type { CompiledLoss, CompileOptions, Feeds, LossProgram } from '../backend/contract.js';
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../ir/graph.js';

/**
 * Synthetic programs for the fast-path protocol, the same on every backend. Exact: y = 2x. Fast: y = 2x
 * where x >= 0 and 0 elsewhere (wrong for negative x), with flag `neg` counting the negative x: its
 * result stands only when `neg` is 0, so a backend that failed to fall back would return a wrong y.
 */
function exactGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N']);
  b.output('y', x.mul(2));
  return b.build();
}

function fastGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N']);
  const negative = x.less(0);
  b.output('y', b.where(negative, b.scalar(0), x).mul(2));
  b.output('neg', negative.cast('float32').sum());
  return b.build();
}

function program(fast: Graph): LossProgram {
  return {
    graph: exactGraph(),
    fastPath: {
      program: { graph: fast },
      applies: (f) => (f.x?.shape[0] ?? 0) >= 2,
      flags: ['neg'],
      accept: (out) => out.neg?.data[0] === 0,
    },
  };
}

const feeds = (...xs: number[]): Feeds => ({
  x: { dtype: 'float32', shape: [xs.length], data: Float32Array.from(xs) },
});

export type Compile = (program: LossProgram, options?: CompileOptions) => Promise<CompiledLoss>;

/** What one case checks; throws (with a message) when the backend breaks the protocol. */
export interface FastPathCase {
  readonly name: string;
  run(compile: Compile): Promise<void>;
}

function expectValues(what: string, got: ArrayLike<number> | undefined, want: readonly number[]): void {
  const g = got === undefined ? undefined : Array.from(got);
  if (g === undefined || g.length !== want.length || g.some((v, i) => v !== want[i]))
    throw new Error(`${what}: got ${JSON.stringify(g)}, want ${JSON.stringify(want)}`);
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

export const FAST_PATH_CASES: readonly FastPathCase[] = [
  {
    name: 'fast-path/stands-or-falls-back',
    run: (compile) =>
      using(compile, program(fastGraph()), async (loss) => {
        const stands = await loss.run(feeds(1, 2, 3));
        if (Object.keys(stands).join() !== 'y')
          throw new Error(`outputs ${Object.keys(stands)}: the flag must not be returned`);
        expectValues('y where the fast result stands', stands.y?.data, [2, 4, 6]);
        expectValues('y where the flag rejects the fast result', (await loss.run(feeds(1, -2, 3))).y?.data, [2, -4, 6]);
        expectValues('y where the fast path does not apply', (await loss.run(feeds(-5))).y?.data, [-10]);
      }),
  },
  {
    name: 'fast-path/failed-compile-falls-back',
    run: async (compile) => {
      // a fast graph that does not verify (an output naming no value): its compile fails on every backend
      const broken = { ...fastGraph(), outputs: [{ name: 'y', value: 10_000 }] } as Graph;
      const warn = console.warn;
      let warnings = 0;
      console.warn = () => void warnings++;
      try {
        await using(compile, program(broken), async (loss) => {
          for (let i = 0; i < 2; i++)
            expectValues(`run ${i + 1} after the fast compile failed`, (await loss.run(feeds(1, -2))).y?.data, [2, -4]);
        });
      } finally {
        console.warn = warn;
      }
      if (warnings !== 1) throw new Error(`a failed fast compile must warn exactly once, warned ${warnings} times`);
    },
  },
  {
    name: 'fast-path/run-after-dispose',
    run: async (compile) => {
      const loss = await compile(program(fastGraph()));
      await loss.dispose();
      const code = await codeOf(loss.run(feeds(1, 2)));
      if (code !== 'DISPOSED')
        throw new Error(
          `a run after dispose(), before the fast program compiled, gave ${code ?? 'a result'}, want DISPOSED`,
        );
    },
  },
  {
    name: 'contract/run-null',
    run: (compile) =>
      using(compile, program(fastGraph()), async (loss) => {
        for (const bad of [null, undefined]) {
          const code = await codeOf(loss.run(bad as never));
          if (code !== 'MISSING_INPUT') throw new Error(`run(${bad}) gave ${code ?? 'a result'}, want MISSING_INPUT`);
        }
      }),
  },
  {
    name: 'contract/float64-feeds',
    run: (compile) =>
      using(compile, { graph: exactGraph() }, async (loss) => {
        const out = await loss.run({ x: { dtype: 'float32', shape: [3], data: Float64Array.from([0.1, -2, 3]) } });
        // float32 backends compute on the narrowed values, the float64 reference on the given ones
        const y = Array.from(out.y?.data ?? []);
        const want = [0.2, -4, 6];
        const close = (v: number, w: number) => Math.abs(v - w) <= 1e-6 * Math.max(1, Math.abs(w));
        if (y.length !== 3 || y.some((v, i) => !close(v, want[i] ?? NaN))) {
          throw new Error(
            `y of Float64Array feeds: got ${JSON.stringify(y)}, want ${JSON.stringify(want)} (to float32 precision)`,
          );
        }
      }),
  },
  {
    name: 'contract/unknown-option',
    run: async (compile) => {
      const error = await compile({ graph: exactGraph() }, { validte: false } as CompileOptions).then(
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
