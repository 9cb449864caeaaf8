/**
 * The browser example as a user gets it: its production build (`vite build`), served by `vite preview`
 * with the COOP/COEP headers of vite.config.ts on 127.0.0.1, in headless Chromium. Trains, checks
 * against onnxruntime-web with threads, and saves a screenshot into reports/<date>/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath } from '@lossgraph-tools/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageState } from '../src/state.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS = join(ROOT, '..', '..', 'reports', new Date().toISOString().slice(0, 10));
const STEPS = 20;
const chromium = chromiumPath();
const missing = existsSync(chromium)
  ? null
  : `Chromium not found at ${chromium} (Debian: apt-get install -y chromium, or set LOSSGRAPH_CHROMIUM)`;
if (missing) console.log(`browser-train: skipped: ${missing}`);

describe.skipIf(missing !== null)('examples/browser-train, production build in Chromium', () => {
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  const workers: string[] = [];
  const problems: string[] = [];
  const state = () => page.evaluate(() => window.__browserTrain!) as Promise<PageState>;
  const waitFor = (what: string, done: (s: PageState) => boolean, timeout: number) =>
    page
      .waitForFunction(
        `(${done.toString()})(window.__browserTrain) || window.__browserTrain?.phase === 'error'`,
        undefined,
        { timeout, polling: 250 },
      )
      .then(async () => {
        const s = await state();
        if (s.phase === 'error')
          throw new Error(`the page failed while ${what}: ${s.error}; console: ${problems.join(' | ')}`);
      });

  beforeAll(async () => {
    let t = performance.now();
    await build({ root: ROOT, logLevel: 'warn' });
    console.log(`browser-train: vite build ${((performance.now() - t) / 1000).toFixed(1)} s`);
    server = await preview({ root: ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
    const { chromium: playwright } = await import('playwright-core');
    browser = await playwright.launch({ executablePath: chromium, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
    page.on('worker', (w) => workers.push(w.url()));
    page.on(
      'console',
      (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`console.${m.type()}: ${m.text()}`),
    );
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    t = performance.now();
    await page.goto(`${server.resolvedUrls!.local[0]}?steps=${STEPS}`);
    await waitFor('loading', (s) => s?.phase === 'ready', 60_000);
    console.log(`browser-train: page ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is cross-origin isolated, so onnxruntime-web may use threads', async () => {
    expect((await state()).crossOriginIsolated).toBe(true);
  });

  it(`trains on tfjs-webgl: the loss falls over ${STEPS} steps, drawn as a chart`, async () => {
    const t = performance.now();
    await page.click('#train');
    await waitFor('training', (s) => s.phase === 'ready' && s.steps.length > 0, 240_000);
    const { steps, tfBackend } = await state();
    console.log(
      `browser-train: ${steps.length} steps on tfjs-${tfBackend} in ${((performance.now() - t) / 1000).toFixed(1)} s, loss ${steps[0]!.total.toFixed(3)} -> ${steps.at(-1)!.total.toFixed(3)}`,
    );
    expect(tfBackend).toBe('webgl');
    expect(steps).toHaveLength(STEPS);
    const totals = steps.map((s) => s.total);
    expect(totals.every(Number.isFinite)).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(totals.slice(-3))).toBeLessThan(0.8 * mean(totals.slice(0, 3)));
    // the chart is drawn: the canvas holds a few hundred pixels of the total-loss line's colour (#3b5bdb)
    const linePixels = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#loss-chart')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i]! - 0x3b) + Math.abs(data[i + 1]! - 0x5b) + Math.abs(data[i + 2]! - 0xdb) < 40) n++;
      return n;
    });
    expect(linePixels).toBeGreaterThan(300);
  }, 300_000);

  it('"check against onnxruntime-web": the same batch agrees within docs/FIXTURES.md tolerances, on more than one ORT thread', async () => {
    await page.click('#check');
    await waitFor('checking', (s) => s.check !== undefined && s.phase === 'ready', 120_000);
    const { check } = await state();
    for (const r of check!.rows)
      console.log(`browser-train: ${r.name}: tfjs ${r.tfjs} ort ${r.ort} error ${r.error} (tolerance ${r.tolerance})`);
    console.log(
      `browser-train: onnxruntime-web ran with numThreads ${check!.ortThreads}; workers: ${workers.join(', ')}`,
    );
    for (const r of check!.rows) expect(r.pass, `${r.name}: error ${r.error} above ${r.tolerance}`).toBe(true);
    expect(check!.rows.map((r) => r.name)).toEqual(['loss_l', 'loss_c', 'grad_loc', 'grad_conf']);
    // threads: ORT kept numThreads > 1 after its wasm module started (it drops to 1 without SharedArrayBuffer),
    // and that module started its pthread workers, each from ORT's own glue file, not from an app chunk
    expect(check!.ortThreads).toBeGreaterThan(1);
    const ortWorkers = workers.filter((u) => /\/assets\/ort-wasm-simd-threaded-[\w-]+\.mjs$/.test(u));
    expect(ortWorkers.length).toBeGreaterThanOrEqual(check!.ortThreads - 1);
    expect(workers.filter((u) => !ortWorkers.includes(u))).toEqual([]);
    expect(problems.filter((p) => /document is not defined|uncaught/i.test(p))).toEqual([]);
    expect(await page.textContent('#check-rows')).toMatch(/agree/);

    mkdirSync(REPORTS, { recursive: true });
    await page.screenshot({ path: join(REPORTS, 'browser-train.png'), fullPage: true });
    console.log(`browser-train: screenshot ${join(REPORTS, 'browser-train.png')}`);
  }, 180_000);
});
