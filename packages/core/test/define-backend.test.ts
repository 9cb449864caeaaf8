/**
 * The compiled-loss wrapper every backend goes through (defineBackend), on a synthetic float32 backend
 * built here over the reference interpreter, with synthetic programs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CompiledGraph,
  type CompileOptions,
  defineBackend,
  type Feeds,
  type Graph,
  GraphBuilder,
  interpret,
  LossGraphError,
  type Outputs,
} from '../src/index.js';

/** y = x * k. */
function scaled(k: number): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N']);
  b.output('y', x.mul(k));
  return b.build();
}

const feeds = (...xs: number[]): Feeds => ({
  x: { dtype: 'float32', shape: [xs.length], data: Float32Array.from(xs) },
});

interface ToyOptions extends CompileOptions {
  readonly executionProviders?: readonly ('cpu' | 'gpu')[];
  readonly delayMs?: number;
  readonly compileDelayMs?: number;
}

/** What the toy backend saw: every compile, every run, and the most runs in flight at once. */
const log = { compiles: 0, runs: [] as Feeds[], inFlight: 0, maxInFlight: 0, disposed: 0 };
afterEach(() => {
  Object.assign(log, { compiles: 0, runs: [], inFlight: 0, maxInFlight: 0, disposed: 0 });
  vi.restoreAllMocks();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function toyBackend(concurrency: 'parallel' | 'serial' = 'parallel') {
  return defineBackend<ToyOptions, { executionProviders: readonly string[]; delayMs: number; compileDelayMs: number }>({
    name: 'toy',
    concurrency,
    options: {
      executionProviders: (v, invalid) => (v === undefined ? ['cpu'] : Array.isArray(v) ? v : invalid('a list')),
      delayMs: (v) => (v as number | undefined) ?? 0,
      compileDelayMs: (v) => (v as number | undefined) ?? 0,
    },
    async compileGraph(graph, options): Promise<CompiledGraph> {
      log.compiles++;
      await sleep(options.compileDelayMs);
      return {
        device: options.executionProviders[0]!,
        async run(f, outputs) {
          log.runs.push(f);
          log.maxInFlight = Math.max(log.maxInFlight, ++log.inFlight);
          try {
            await sleep(options.delayMs);
            if (f.x!.data[0] === 13) throw new TypeError('a runtime failure that is no LossGraphError');
            return interpret(graph, f, outputs) as Outputs;
          } finally {
            log.inFlight--;
          }
        },
        dispose: () => void log.disposed++,
      };
    },
  });
}

async function rejection(p: Promise<unknown>): Promise<LossGraphError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(LossGraphError.isInstance(e), `expected a LossGraphError, got ${String(e)}`).toBe(true);
  return e as LossGraphError;
}

describe('defineBackend: options', () => {
  const compile = toyBackend();
  it('an unknown option is INVALID_OPTION naming it and the closest valid name', async () => {
    const e = await rejection(compile(scaled(2), { executionProvider: ['gpu'] } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).toMatch(/unknown toy compile option 'executionProvider' \(did you mean 'executionProviders'\?\)/);
    expect(e.details).toMatchObject({ option: 'executionProvider', suggestion: 'executionProviders' });
    expect((await rejection(compile(scaled(2), { validat: false } as never))).message).toMatch(
      /did you mean 'validate'/,
    );
    expect((await rejection(compile(scaled(2), { timeouts: { runn: 5 } } as never))).message).toMatch(
      /unknown timeouts option 'runn' \(did you mean 'run'/,
    );
  });
  it('bad values of core options are INVALID_OPTION naming the option', async () => {
    expect((await rejection(compile(scaled(2), { validate: 'no' } as never))).details.option).toBe('validate');
    expect((await rejection(compile(scaled(2), { timeouts: { run: -1 } }))).details.option).toBe('run');
    expect((await rejection(compile(scaled(2), 'fast' as never))).code).toBe('INVALID_OPTION');
  });
  it('names the backend by its device', async () => {
    const loss = await compile(scaled(2), { executionProviders: ['gpu'] });
    expect([loss.backend, loss.device, loss.outputNames]).toEqual(['toy-gpu', 'gpu', ['y']]);
  });
});

describe('defineBackend: feed checks', () => {
  const compile = toyBackend();
  it('run(null) and run(undefined) are MISSING_INPUT, and nothing runs', async () => {
    const loss = await compile(scaled(2));
    expect((await rejection(loss.run(null as never))).code).toBe('MISSING_INPUT');
    expect((await rejection(loss.run(undefined as never))).code).toBe('MISSING_INPUT');
    expect(log.runs).toHaveLength(0);
  });
  it('checkInputs always runs; validateInputs only unless validate: false', async () => {
    const checkInputs = vi.fn((f: Feeds) => {
      if (f.x!.shape[0] === 0) throw new LossGraphError('SHAPE_MISMATCH', "'x' is empty");
    });
    const validateInputs = vi.fn();
    const loss = await compile({ graph: scaled(2), checkInputs, validateInputs }, { validate: false });
    expect((await rejection(loss.run(feeds()))).code).toBe('SHAPE_MISMATCH');
    await loss.run(feeds(1));
    expect(checkInputs).toHaveBeenCalledTimes(2);
    expect(validateInputs).not.toHaveBeenCalled();
    expect(log.runs).toHaveLength(1);
  });
  it('narrows Float64Array feeds once, before the value scans and the backend see them', async () => {
    const seen: unknown[] = [];
    const validateInputs = (f: Feeds) => {
      seen.push(f.x!.data);
      if (!Array.from(f.x!.data).every(Number.isFinite))
        throw new LossGraphError('NON_FINITE', "'x' holds a non-finite value");
    };
    const loss = await compile({ graph: scaled(2), validateInputs });
    const wide = { x: { dtype: 'float32' as const, shape: [2], data: Float64Array.from([0.1, 1e39]) } };
    expect((await rejection(loss.run(wide))).code).toBe('NON_FINITE'); // 1e39 is Infinity in float32
    const out = await loss.run({ x: { dtype: 'float32', shape: [1], data: Float64Array.from([0.1]) } });
    expect(seen.every((d) => d instanceof Float32Array)).toBe(true);
    expect(log.runs[0]!.x!.data).toBeInstanceOf(Float32Array);
    expect(out.y!.data[0]).toBe(Math.fround(Math.fround(0.1) * 2));
  });
  it('an unknown output name is INVALID_GRAPH naming it', async () => {
    const loss = await compile(scaled(2));
    const e = await rejection(loss.run(feeds(1), ['z']));
    expect([e.code, e.details.tensor]).toEqual(['INVALID_GRAPH', 'z']);
  });
  it('a runtime failure that is not a LossGraphError becomes KERNEL_ERROR naming the backend', async () => {
    const loss = await compile(scaled(2));
    const e = await rejection(loss.run(feeds(13)));
    expect(e.code).toBe('KERNEL_ERROR');
    expect(e.message).toMatch(/toy-cpu failed to run the graph: a runtime failure/);
    expect((await loss.run(feeds(1))).y!.data[0]).toBe(2);
  });
});

describe('defineBackend: dispose', () => {
  const compile = toyBackend();
  it('a run after dispose() is DISPOSED and runs nothing; dispose() twice is harmless', async () => {
    const loss = await compile(scaled(2));
    await loss.dispose();
    await loss.dispose();
    expect((await rejection(loss.run(feeds(1, 2)))).code).toBe('DISPOSED');
    expect(log.compiles).toBe(1);
    expect(log.runs).toHaveLength(0);
    expect(log.disposed).toBe(1);
  });
});

describe('defineBackend: bounded waits and concurrency', () => {
  it('a compile that takes longer than timeouts.compile rejects with TIMEOUT naming the backend', async () => {
    const e = await rejection(toyBackend()(scaled(2), { compileDelayMs: 200, timeouts: { compile: 20 } }));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toMatch(/toy: compile did not finish within 20 ms \(timeouts.compile\)/);
    await sleep(250);
    expect(log.disposed).toBe(1); // the late graph was released
  });
  it('a run past timeouts.run rejects with TIMEOUT; later runs say why, and dispose() still returns', async () => {
    const loss = await toyBackend()(scaled(2), { delayMs: 200, timeouts: { run: 20 } });
    const first = await rejection(loss.run(feeds(1)));
    expect([first.code, first.details.stage]).toEqual(['TIMEOUT', 'run']);
    expect(first.message).toMatch(/toy-cpu: a run did not finish within 20 ms \(timeouts.run\)/);
    const later = await rejection(loss.run(feeds(1)));
    expect(later.message).toMatch(
      /an earlier run did not finish within 20 ms.*dispose\(\) this compiled loss and compile again/,
    );
    await loss.dispose();
    expect(log.disposed).toBe(0); // not while the timed-out run still runs
    await sleep(250);
    expect(log.disposed).toBe(1);
    expect((await rejection(loss.run(feeds(1)))).code).toBe('DISPOSED');
  });
  it("'serial' backends run one call at a time, each with its own result; 'parallel' ones overlap", async () => {
    for (const [mode, most] of [
      ['serial', 1],
      ['parallel', 4],
    ] as const) {
      log.maxInFlight = 0;
      const loss = await toyBackend(mode)(scaled(2), { delayMs: 10 });
      const outs = await Promise.all([1, 2, 3, 4].map((n) => loss.run(feeds(n))));
      expect(outs.map((o) => o.y!.data[0])).toEqual([2, 4, 6, 8]);
      expect(log.maxInFlight, mode).toBe(most);
      await loss.dispose();
    }
  });
});
