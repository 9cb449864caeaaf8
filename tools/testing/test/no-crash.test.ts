/**
 * No input, valid or not, may crash or hang the process: malformed and edge-case feeds with
 * `validate: false` on every Node backend, each backend in a child process of its own (a SIGFPE or an
 * uncaught worker error would otherwise take the test runner down, or be blamed on another test). Every
 * run must resolve or reject with a LossGraphError; nothing may surface outside the run.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { probeBackends, titled } from './support/backends.js';
import { CaseRunner } from './support/child-runner.js';
import { type EdgeCase, edgeCases } from './support/edge-cases.js';

const probed = await probeBackends((name) => !name.startsWith('browser-') && name !== 'onnxruntime-node-cuda');
const runners: CaseRunner[] = [];
afterAll(async () => {
  for (const r of runners) await r.finish().catch(() => undefined);
});

const base: EdgeCase = {
  B: 2,
  P: 40,
  C: 4,
  M: 2,
  seed: 1,
  labelShift: 0,
  numObjs: [1, 2, 0],
  poison: 'none',
  damage: 'none',
  jaccardThresh: 0.5,
  negPos: 3,
};
/** Known crashes: B = 0 (SIGFPE in onnxruntime-node's GatherElements), labels out of range (a GatherElements
 * index out of range: onnxruntime-web's worker faults later, outside the run), num_objs above M. */
const EXAMPLES: EdgeCase[] = [
  { ...base, B: 0 },
  { ...base, labelShift: 1000 },
  { ...base, numObjs: [5, 5, 5] },
  { ...base, P: 0 },
];

describe('no input crashes or hangs a backend (validate: false, child processes)', () => {
  for (const p of probed) {
    const test = p.skip === null ? it : it.skip;
    test(titled(
      p,
      'every malformed or edge-case run resolves or rejects with a LossGraphError, and nothing surfaces later',
    ), async () => {
      const runner = new CaseRunner(p.name);
      runners.push(runner);
      let runs = 0;
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(edgeCases, async (edge) => {
          runs++;
          const v = await runner.run(edge);
          expect(v.crashed, `${JSON.stringify(edge)}: ${v.crashed}`).toBeUndefined();
          expect(v.uncaught, `${JSON.stringify(edge)}: errors outside a run`).toEqual([]);
          const o = v.outcome!;
          if (o.kind === 'rejected')
            expect(o.lossGraphError, `${JSON.stringify(edge)}: not a LossGraphError: ${o.message}`).toBe(true);
        }),
        { numRuns: 40, seed: 9, examples: EXAMPLES.map((e) => [e]) },
      );
      const late = await runner.finish();
      expect(late, 'errors that surfaced after the last run (e.g. from a runtime worker)').toEqual([]);
      console.log(
        `${p.name}: ${runs} edge-case runs in a child process, none crashed, hung or leaked an error (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }, 300_000);
  }
});
