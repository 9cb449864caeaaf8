/**
 * The one conformance registration (`describeBackend`: op cases, every fixture, the contract
 * cases) on the browser backends, in headless Chromium (one browser for this file). A backend whose
 * browser is missing skips every case with the reason.
 */
import { describeBackend } from '@lossgraph/core/conformance';
import { fixtureName, listFixtureFiles, OP_CASES, repoFixturesDir } from '@lossgraph/core/testing';
import { afterAll } from 'vitest';
import { closeBackends, probeBackends } from './support/backends.js';

const started = performance.now();
const probed = await probeBackends((name) => name.startsWith('browser-'));
afterAll(async () => {
  await closeBackends(probed);
  console.log(`browser conformance: ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}, 30_000);

/**
 * What every browser row leaves to other runs, with the reason (printed when the suite runs): the seeded random
 * geometries of the 2-D network ops, and all but one yolov8 fixture, are kept out of the Chromium rows for time
 * only (SwiftShader makes each case seconds long): the same lowerings run every one of them on the Node backends,
 * and `pnpm bench validate` runs every fixture in Chromium.
 */
const FOR_TIME =
  'for time only: run on the Node backends with the same lowerings, and in Chromium by `pnpm bench validate`';
const timeBudget: Record<string, string> = Object.fromEntries([
  ...OP_CASES.filter((c) => c.name.startsWith('random/')).map((c) => [c.name, FOR_TIME]),
  ...(await listFixtureFiles(repoFixturesDir()))
    .map((f) => fixtureName(f))
    .filter((n) => n.startsWith('yolov8_') && n !== 'yolov8_random')
    .map((n) => [`fixture:${n}`, FOR_TIME]),
]);

for (const p of probed) {
  await describeBackend(
    { name: p.name, skip: p.skip, compile: (program, options) => p.backend.compile(program, options) },
    { excluded: timeBudget },
  );
}
