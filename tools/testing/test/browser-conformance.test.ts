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
 * What the browser rows leave to other runs, each entry with its reason (printed when the suite runs):
 * - the seeded random geometries of the 2-D network ops, and all but one yolov8 fixture, are kept out of the
 *   Chromium rows for time only (SwiftShader makes each case seconds long): the same lowerings run every one of
 *   them on the Node backends, and `pnpm bench validate` runs every fixture in Chromium;
 * - on tfjs-webgl, the full-size edge-case fixtures below, for time too.
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
/**
 * tfjs-webgl on SwiftShader spends 12-40 s on each fixture at full SSD size (compile plus the [B, P, C] passes);
 * its rows keep one full-size fixture per loss family (ssd300_random_b2_c21, tv_ssd300_c5, retinanet_fpn_c20,
 * yolov8_random) and every small one, and leave these edge cases at full size to the other browser rows, the Node
 * backends and `pnpm bench validate`.
 */
const WEBGL_FOR_TIME = [
  'ssd512_c81_b1',
  'large_logits',
  'empty_image',
  'crowded_shared_prior',
  'm_padding',
  'tiny_boxes_forced',
  'no_positives',
  'negatives_clamped',
  'custom_options',
  'tv_ssd_random',
  'tv_ssd_custom_options',
  'tv_ssd_empty_image',
  'tv_ssd_no_truths',
  'tv_ssd_negatives_run_out',
  'retinanet_alpha_off',
  'retinanet_low_quality_ties',
  'retinanet_empty_image',
];
const WEBGL_FOR_TIME_REASON =
  'for time only on tfjs-webgl (SwiftShader): run at full size on the other browser rows, the Node backends and ' +
  'by `pnpm bench validate`';
const EXCLUDED: Record<string, Readonly<Record<string, string>>> = {
  'browser-onnxruntime-web-wasm': timeBudget,
  'browser-tfjs-webgl': {
    ...timeBudget,
    ...Object.fromEntries(WEBGL_FOR_TIME.map((n) => [`fixture:${n}`, WEBGL_FOR_TIME_REASON])),
  },
  'browser-onnxruntime-web-webgpu': timeBudget,
};

for (const p of probed) {
  await describeBackend(
    { name: p.name, skip: p.skip, compile: (program, options) => p.backend.compile(program, options) },
    { excluded: EXCLUDED[p.name] ?? {} },
  );
}
