/**
 * The one conformance registration (`describeBackend`: op cases, every fixture, the contract
 * cases) on the browser backends, in headless Chromium (one browser for this file). A backend whose
 * browser is missing skips every case with the reason.
 */
import { describeBackend } from '@lossgraph/core/conformance';
import { afterAll } from 'vitest';
import { closeBackends, probeBackends } from './support/backends.js';

const started = performance.now();
const probed = await probeBackends((name) => name.startsWith('browser-'));
afterAll(async () => {
  await closeBackends(probed);
  console.log(`browser conformance: ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}, 30_000);

/**
 * Measured gaps, each with the error seen (docs/FIXTURES.md tolerances: losses 1e-4 relative, gradients 1e-4 of
 * the largest).
 */
const EXCLUDED: Record<string, Readonly<Record<string, string>>> = {
  'browser-onnxruntime-web-wasm': {},
  'browser-tfjs-webgl': {},
  'browser-onnxruntime-web-webgpu': {},
};

for (const p of probed) {
  await describeBackend(
    { name: p.name, skip: p.skip, compile: (program, options) => p.backend.compile(program, options) },
    { excluded: EXCLUDED[p.name] ?? {} },
  );
}
