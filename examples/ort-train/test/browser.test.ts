/**
 * The page as a user gets it: its production build (`vite build`), served by `vite preview` with the
 * COOP/COEP headers of vite.config.ts, in headless Chromium on onnxruntime-web's wasm provider (`?ep=wasm`).
 * Fine-tunes, exports, runs plain onnxruntime-web, draws the boxes, and saves a screenshot into reports/<date>/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath } from '@lossgraph-tools/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREDICTION_COLOR } from '../src/draw.js';
import type { PageState } from '../src/state.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS = join(ROOT, '..', '..', 'reports', new Date().toISOString().slice(0, 10));
const STEPS = 40;
const chromium = chromiumPath();
const missing = existsSync(chromium)
  ? null
  : `Chromium not found at ${chromium} (Debian: apt-get install -y chromium, or set LOSSGRAPH_CHROMIUM)`;
if (missing) console.log(`ort-train: skipped: ${missing}`);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.skipIf(missing !== null)('examples/ort-train, production build in Chromium', () => {
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await build({ root: ROOT, logLevel: 'warn' });
    server = await preview({ root: ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
    const { chromium: playwright } = await import('playwright-core');
    browser = await playwright.launch({ executablePath: chromium, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage({ viewport: { width: 1180, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(`wasm: the loss falls over ${STEPS} steps, the exported model's boxes are drawn beside the truths`, async () => {
    const t = performance.now();
    const url = server.resolvedUrls?.local[0];
    await page.goto(`${url}?ep=wasm&steps=${STEPS}`);
    await page.waitForFunction(`['done', 'error'].includes(window.__ortTrain?.phase)`, undefined, {
      timeout: 90_000,
      polling: 250,
    });
    const s = (await page.evaluate(() => window.__ortTrain)) as PageState;
    if (s.phase === 'error') throw new Error(`the page failed: ${s.error}; console: ${problems.join(' | ')}`);
    console.log(
      `ort-train: ${s.steps.length} steps on ${s.ep} in ${((performance.now() - t) / 1000).toFixed(1)} s, loss ${s.steps[0]?.total.toFixed(3)} -> ${s.steps.at(-1)?.total.toFixed(3)}`,
    );
    expect(s.ep).toBe('wasm');
    expect(s.crossOriginIsolated).toBe(true);
    const totals = s.steps.map((x) => x.total);
    expect(totals).toHaveLength(STEPS);
    expect(totals.every(Number.isFinite)).toBe(true);
    expect(mean(totals.slice(-4))).toBeLessThan(0.6 * mean(totals.slice(0, 4)));
    expect(s.exportedBytes).toBeGreaterThan(100_000);
    // predictions exist and every one is a probability above the threshold with a box of positive size
    const detections = (s.detections ?? []).flat();
    expect(detections.length).toBeGreaterThan(0);
    for (const d of detections) {
      expect(d.score).toBeGreaterThanOrEqual(0.3);
      expect(d.box[2]).toBeGreaterThan(d.box[0]);
      expect(d.box[3]).toBeGreaterThan(d.box[1]);
    }
    // the canvases hold the drawn boxes: pixels of the prediction colour on the first canvas with a detection
    expect(s.boxesDrawn).toBeGreaterThan(detections.length);
    const index = (s.detections ?? []).findIndex((d) => d.length > 0);
    const orange = await page.evaluate(
      ([i, hex]) => {
        const canvas = document.querySelectorAll<HTMLCanvasElement>('#detections canvas')[i as number];
        const ctx = canvas?.getContext('2d');
        if (!canvas || !ctx) return 0;
        const want = [1, 3, 5].map((k) => Number.parseInt((hex as string).slice(k, k + 2), 16));
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let p = 0; p < data.length; p += 4) if (want.every((w, c) => Math.abs((data[p + c] ?? 0) - w) < 30)) n++;
        return n;
      },
      [index, PREDICTION_COLOR] as const,
    );
    expect(orange).toBeGreaterThan(50);
    expect(problems.filter((p) => /uncaught/i.test(p))).toEqual([]);

    mkdirSync(REPORTS, { recursive: true });
    await page.screenshot({ path: join(REPORTS, 'ort-train.png'), fullPage: true });
    console.log(`ort-train: screenshot ${join(REPORTS, 'ort-train.png')}`);
  }, 120_000);
});
