import { afterAll, describe, it } from 'vitest';
import type { CompiledLoss, CompileOptions, LossProgram } from '../backend/contract.js';
import { type ConformanceOptions, runOpConformance } from '../testing/conformance.js';
import { OP_CASES } from '../testing/op-cases.js';
import { CONTRACT_CASES } from './contract-cases.js';
import { type ConformanceFixture, fixtureAdapter } from './fixture-adapter.js';

/** A backend under test. */
export interface ConformanceEnv {
  /** shown in every test name, e.g. 'tfjs-cpu' */
  readonly name: string;
  /** compiles a program; each call gives a compiled loss of its own */
  readonly compile: (program: LossProgram, options?: CompileOptions) => Promise<CompiledLoss>;
  /** when set, every case is skipped with this reason (a runtime missing here: no GPU, no Chromium) */
  readonly skip?: string | null;
}

export type ConformanceSuite = 'ops' | 'fixtures' | 'contract';

export interface DescribeBackendOptions {
  /**
   * Cases this backend does not pass, each with its reason (printed, and in the skipped test's name). Keys:
   * an op case ('topk/largest') or op ('topk'), a fixture ('fixture:ssd512_c81_b1'), a contract case
   * ('contract/float64-feeds').
   */
  readonly excluded?: Readonly<Record<string, string>>;
  /** which suites to register (default all three) */
  readonly suites?: readonly ConformanceSuite[];
  /** op-case options (tolerance, dim size, seed) */
  readonly ops?: ConformanceOptions;
  /** fixture files (default: the repository's fixtures/ and the independent sample beside the checkout) */
  readonly fixtures?: readonly string[];
}

/**
 * One conformance registration for any backend (tfjs's `describeWithFlags` + ALL_ENVS is the model):
 * every IR op case against the float64 interpreter, every fixture under docs/FIXTURES.md tolerances, and the
 * contract cases on a synthetic program. A backend package's test is a few lines.
 * Registers vitest suites (top-level await: call it at module level of a test file).
 */
export async function describeBackend(env: ConformanceEnv, options: DescribeBackendOptions = {}): Promise<void> {
  const suites = options.suites ?? ['ops', 'fixtures', 'contract'];
  const excluded = options.excluded ?? {};
  const files = suites.includes('fixtures') ? (options.fixtures ?? (await fixtureAdapter.list())) : [];
  const register = (name: string, keys: readonly string[], body: () => Promise<void>) => {
    const key = keys.find((k) => excluded[k] !== undefined);
    if (env.skip) it.skip(`${name} (skipped: ${(env.skip.split('\n')[0] ?? '').slice(0, 160)})`, body);
    else if (key !== undefined) {
      console.log(`${env.name}: ${name} excluded: ${excluded[key]}`);
      it.skip(`${name} (excluded: ${excluded[key]})`, body);
    } else it(name, body);
  };
  if (env.skip) console.log(`${env.name}: conformance skipped: ${env.skip}`);

  describe(`${env.name}: conformance`, () => {
    if (suites.includes('ops')) {
      describe('op cases against the reference interpreter', () => {
        for (const c of runOpConformance(OP_CASES, (p) => env.compile(p), options.ops))
          register(c.name, [c.name, c.op], c.run);
      });
    }
    if (suites.includes('fixtures')) {
      describe('fixtures (docs/FIXTURES.md tolerances)', () => {
        // one compiled loss per set of loss options, as a training loop would
        const compiled = new Map<string, Promise<CompiledLoss>>();
        afterAll(async () => {
          for (const c of compiled.values()) await (await c.catch(() => undefined))?.dispose();
        });
        for (const file of files) {
          const name = fixtureAdapter.name(file);
          register(`fixture ${name}`, [`fixture:${name}`], async () => {
            const fx: ConformanceFixture = await fixtureAdapter.load(file);
            let loss = compiled.get(fx.programKey);
            if (loss === undefined) {
              loss = env.compile(fx.program);
              compiled.set(fx.programKey, loss);
            }
            const cmp = fx.compare(await (await loss).run(fx.inputs));
            if (cmp.failures.length > 0)
              throw new Error(
                `${env.name} ${fx.name}: ${cmp.failures.join('; ')} (worst errors ${JSON.stringify(cmp.diff)})`,
              );
          });
        }
      });
    }
    if (suites.includes('contract')) {
      describe('compiled-loss contract (a synthetic program)', () => {
        for (const c of CONTRACT_CASES) register(c.name, [c.name], () => c.run(env.compile));
      });
    }
  });
}
