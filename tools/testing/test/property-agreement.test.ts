import { compileReference, LossGraphError } from '@lossgraph/core';
import { compareWithFixture } from '@lossgraph/core/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBackends, errorOf, probeBackends, titled } from './support/backends.js';
import { CompileCache } from './support/compile-cache.js';
import {
  describeProblem,
  feedsOf,
  nearTie,
  optionsOf,
  problems,
  programFor,
  referenceFixture,
} from './support/problems.js';

const probed = await probeBackends();
afterAll(() => closeBackends(probed));

// Every run compiles (options are part of the graph). Browser backends get few runs: a compile there
// crosses into a page and, for WebGL, compiles shaders in software; the fixture suites cover them too.
const RUNS = { node: 15, browser: 3 };

describe('property: every backend agrees with the reference interpreter (docs/FIXTURES.md tolerances)', () => {
  // the reference is the oracle here; its own correctness is the fixtures' and the op suite's job
  for (const p of probed.filter((x) => x.name !== 'reference')) {
    const test = p.skip === null ? it : it.skip;
    test(titled(p, 'random shapes (B 1-4, P 1-300, C 2-10, M 0-8), boxes, labels and options'), async () => {
      const cache = new CompileCache(p.backend);
      let compared = 0;
      let rejectedEmptyM = 0;
      try {
        await fc.assert(
          fc.asyncProperty(problems(), async (pb) => {
            const feeds = feedsOf(pb);
            const options = optionsOf(pb);
            const compiled = await cache.get(JSON.stringify(options), () => programFor(options));
            if (pb.M === 0) {
              // a zero-size M axis is rejected up front on every backend (argmax over no truths has no answer)
              const e = await errorOf(() => compiled.run(feeds));
              expect(LossGraphError.isInstance(e) && e.code, `${p.name} on M = 0: ${String(e)}`).toBe('SHAPE_MISMATCH');
              expect((e as Error).message).toContain("'targets'");
              rejectedEmptyM++;
              return;
            }
            const ref = await compileReference(programFor(options)).run(feeds);
            fc.pre(nearTie(feeds, options, ref.conf_t_label!.data) === null);
            const got = await compiled.run(feeds);
            const cmp = compareWithFixture(got, referenceFixture('random', feeds, options, ref));
            if (!cmp.pass)
              throw new Error(
                `${p.name} disagrees with the reference on ${describeProblem(pb)}:\n  ${cmp.failures.join('\n  ')}`,
              );
            compared++;
          }),
          { seed: 6006, numRuns: p.browser ? RUNS.browser : RUNS.node },
        );
      } finally {
        await cache.dispose();
      }
      console.log(
        `${p.name}: ${compared} random problems agree with the reference, ${rejectedEmptyM} with M = 0 rejected`,
      );
      expect(compared).toBeGreaterThan(0);
    }, 120_000);
  }
});
