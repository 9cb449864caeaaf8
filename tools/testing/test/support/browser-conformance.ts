/**
 * The one conformance registration (`describeBackend`: op cases, every fixture, the contract cases) for one
 * browser backend in headless Chromium, with what its rows leave to other runs. Each browser backend has its own
 * test file (browser-conformance-*.test.ts), so the test runner can spread them over its workers.
 */
import { describeBackend } from '@lossgraph/core/conformance';
import { fixtureName, listFixtureFiles, OP_CASES, repoFixturesDir } from '@lossgraph/core/testing';
import { afterAll } from 'vitest';
import { closeBackends, probeBackends } from './backends.js';

const FOR_TIME =
  'for time only: run on the Node backends with the same lowerings, and in Chromium by `pnpm bench validate`';

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

/**
 * Chromium's onnxruntime-web wasm row runs the very graph the Node onnxruntime-web-wasm rows run (same emitter,
 * same onnxruntime-web wasm build): what it adds is the browser's loading, threads and transfers, which one
 * fixture per loss and profile shows. The other fixtures run on the Node row and by `pnpm bench validate`.
 */
const WASM_KEPT = new Set(['sample_p64_c4', 'ssd300_random_b2_c21', 'tv_ssd300_c5', 'retinanet_ciou', 'yolov8_random']);
const WASM_REASON =
  'for time only in Chromium wasm: the same graph on the same onnxruntime-web wasm build runs on the Node ' +
  'onnxruntime-web-wasm row, and every fixture in Chromium by `pnpm bench validate`';

/** What the rows of `backend` leave to other runs: case key → printed reason. */
async function exclusions(backend: string): Promise<Record<string, string>> {
  const fixtures = (await listFixtureFiles(repoFixturesDir())).map((f) => fixtureName(f));
  // the seeded random geometries of the 2-D network ops, and all but one yolov8 fixture (SwiftShader makes each
  // case seconds long): the same lowerings run every one of them on the Node backends
  const everywhere: [string, string][] = [
    ...OP_CASES.filter((c) => c.name.startsWith('random/')).map((c): [string, string] => [c.name, FOR_TIME]),
    ...fixtures
      .filter((n) => n.startsWith('yolov8_') && n !== 'yolov8_random')
      .map((n): [string, string] => [`fixture:${n}`, FOR_TIME]),
  ];
  const own: [string, string][] =
    backend === 'browser-tfjs-webgl'
      ? WEBGL_FOR_TIME.map((n) => [`fixture:${n}`, WEBGL_FOR_TIME_REASON])
      : backend === 'browser-onnxruntime-web-wasm'
        ? fixtures.filter((n) => !WASM_KEPT.has(n)).map((n) => [`fixture:${n}`, WASM_REASON])
        : [];
  return Object.fromEntries([...everywhere, ...own]);
}

/** Registers every conformance case of the browser backend `name` (one Chromium for the file). Top-level await. */
export async function describeBrowserConformance(name: string): Promise<void> {
  const started = performance.now();
  const probed = await probeBackends((n) => n === name);
  afterAll(async () => {
    await closeBackends(probed);
    console.log(`browser conformance, ${name}: ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  }, 30_000);
  const excluded = await exclusions(name);
  for (const p of probed)
    await describeBackend(
      { name: p.name, skip: p.skip, compile: (program, options) => p.backend.compile(program, options) },
      { excluded },
    );
}
