/**
 * The explain page as a user gets it: its production build (`vite build`), served by `vite preview` on
 * 127.0.0.1 with every other request refused (no network), in headless Chromium. The page's numbers are
 * checked against the same MultiBoxLoss compiled for the float64 reference backend here in Node, on the
 * feeds the page ran (MultiBoxLoss, RetinaNet and YOLOv8); a slider moved by keyboard must change the matched
 * (or assigned) set as the reference says.
 * Screenshots go to reports/<date>/explain*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileReference, type HostTensor } from '@lossgraph/core';
import { CHROMIUM_ARGS, chromiumPath } from '@lossgraph-tools/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExplainFeeds, type Explanation, explain, explainProgram } from '../src/explanation.js';
import { iou, NUM_PRIORS, pointForm } from '../src/layout.js';
import { explainRetina, type RetinaExplanation, retinaFeeds, retinaProgram } from '../src/retinanet.js';
import type { ExplainState } from '../src/state.js';
import { explainYolo, type YoloExplanation, type YoloFeeds, yoloProgram } from '../src/yolov8.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS = join(ROOT, '..', '..', 'reports', new Date().toISOString().slice(0, 10));
/** training steps per click on "Train" (the page's default, 20, takes about 20 s on tfjs-cpu here) */
const TRAIN_STEPS = 3;
const chromium = chromiumPath();
const missing = existsSync(chromium)
  ? null
  : `Chromium not found at ${chromium} (Debian: apt-get install -y chromium, or set LOSSGRAPH_CHROMIUM)`;
if (missing) console.log(`explain: skipped: ${missing}`);

/** docs/FIXTURES.md loss tolerance: 1e-4 relative to max(1, |want|). */
const close = (got: number, want: number) => Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want));

/** The feeds as the page reports them, back into typed arrays (float32 values, so exact). */
function typed(feeds: NonNullable<ExplainState['feeds']>): ExplainFeeds {
  const t = (name: keyof ExplainFeeds): HostTensor => {
    const f = feeds[name];
    if (f === undefined) throw new Error(`the page reported no feed ${name}`);
    const data = f.dtype === 'int32' ? Int32Array.from(f.data) : Float32Array.from(f.data);
    return { dtype: f.dtype === 'int32' ? 'int32' : 'float32', shape: f.shape, data };
  };
  return {
    loc_data: t('loc_data'),
    conf_data: t('conf_data'),
    dbox_list: t('dbox_list'),
    targets: t('targets'),
    num_objs: t('num_objs'),
  };
}

/** The reference's account of the page's feeds under the page's options (float64 interpreter). */
async function reference(s: ExplainState): Promise<Explanation> {
  const feeds = typed(s.feeds!);
  const loss = compileReference(explainProgram(s.options));
  return explain(await loss.run(feeds), s.options);
}

/** Largest |page - reference| of a per-box diagnostic, over every box. */
const maxError = (got: readonly number[], want: readonly number[]) =>
  got.length === want.length ? Math.max(...got.map((g, p) => Math.abs(g - (want[p] ?? Number.NaN)))) : Infinity;

/** The per-box diagnostics of the page and of the reference agree (float32 against float64: 1e-4 absolute). */
function expectSameBoxes(s: ExplainState, want: Explanation): void {
  expect(s.matchedTruth).toEqual(want.boxes.map((b) => b.truth));
  for (const key of ['crossEntropy', 'smoothL1', 'miningScore'] as const) {
    const error = maxError(
      s[key],
      want.boxes.map((b) => b[key]),
    );
    expect(error, `${key}: largest error ${error}`).toBeLessThan(1e-4);
  }
}

/** The reference's RetinaNet account of the page's feeds under the page's RetinaNet options. */
async function referenceRetina(s: ExplainState): Promise<RetinaExplanation> {
  const feeds = typed(s.feeds!);
  const o = s.retina!.options;
  const outputs = await compileReference(retinaProgram(o)).run(retinaFeeds(feeds));
  const truths = Array.from({ length: Number(feeds.num_objs.data[0]) }, (_, t) =>
    Array.from(feeds.targets.data.subarray(5 * t, 5 * t + 4)),
  );
  return explainRetina(
    outputs,
    o,
    truths.map((box) => Array.from({ length: NUM_PRIORS }, (_, p) => iou(box, pointForm(p)))),
  );
}

function expectSameRetina(s: ExplainState, want: RetinaExplanation): void {
  const got = s.retina!;
  expect(got.matched).toEqual(want.matched);
  expect(got.lowQuality).toEqual(want.lowQuality);
  for (const key of ['focal', 'box'] as const) {
    const error = maxError(got[key], want[key]);
    expect(error, `${key}: largest error ${error}`).toBeLessThan(1e-4);
  }
  expect(close(got.lossCls, want.lossCls), `loss_cls ${got.lossCls} vs ${want.lossCls}`).toBe(true);
  expect(close(got.lossBox, want.lossBox), `loss_box ${got.lossBox} vs ${want.lossBox}`).toBe(true);
  expect(close(got.sumCls, got.lossCls) && close(got.sumBox, got.lossBox)).toBe(true);
}

/** The YOLOv8 feeds the page ran, back into typed arrays. */
function typedYolo(feeds: NonNullable<ExplainState['yolo']>['feeds']): YoloFeeds {
  const t = (name: keyof YoloFeeds): HostTensor => {
    const f = feeds[name];
    if (f === undefined) throw new Error(`the page reported no YOLOv8 feed ${name}`);
    const data = f.dtype === 'int32' ? Int32Array.from(f.data) : Float32Array.from(f.data);
    return { dtype: f.dtype === 'int32' ? 'int32' : 'float32', shape: f.shape, data };
  };
  const names = ['pred_distri', 'pred_scores', 'anchor_points', 'stride_tensor', 'targets', 'num_objs'] as const;
  return Object.fromEntries(names.map((name) => [name, t(name)])) as YoloFeeds;
}

/** The reference's YOLOv8 account of the page's feeds under the page's assigner options. */
async function referenceYolo(s: ExplainState): Promise<YoloExplanation> {
  const feeds = typedYolo(s.yolo!.feeds);
  return explainYolo(await compileReference(yoloProgram(s.yolo!.options)).run(feeds), feeds);
}

const positivesOf = (fg: readonly number[]) => fg.flatMap((m, a) => (m === 1 ? [a] : []));

function expectSameYolo(s: ExplainState, want: YoloExplanation): void {
  const got = s.yolo!;
  expect(got.fgMask).toEqual(want.fgMask);
  expect(got.targetGtIdx).toEqual(want.targetGtIdx);
  expect(got.candidates).toEqual(want.candidates.map((c) => c.map(Number)));
  expect(got.contested).toEqual(want.contested);
  for (const [term, g, w] of [
    ['loss_box', got.lossBox, want.lossBox],
    ['loss_cls', got.lossCls, want.lossCls],
    ['loss_dfl', got.lossDfl, want.lossDfl],
  ] as const)
    expect(close(g, w), `${term} ${g} vs ${w}`).toBe(true);
  // the page's per-anchor terms add up to the graph's outputs
  expect(close(got.sumBox, got.lossBox) && close(got.sumCls, got.lossCls) && close(got.sumDfl, got.lossDfl)).toBe(true);
}

const indices = (e: Explanation, f: (b: Explanation['boxes'][number]) => boolean) =>
  e.boxes.filter(f).map((b) => b.index);

describe.skipIf(missing !== null)('examples/explain, production build in Chromium', () => {
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  const refused: string[] = [];
  const problems: string[] = [];
  const state = () => page.evaluate(() => window.__explain!) as Promise<ExplainState>;
  /** Waits until the page finished a recomputation after `runs` earlier ones. */
  const settled = async (runs: number) => {
    await page.waitForFunction(
      `window.__explain && (window.__explain.phase === 'error' || (window.__explain.phase === 'ready' && window.__explain.runs > ${runs}))`,
      undefined,
      { timeout: 20_000, polling: 50 },
    );
    const s = await state();
    if (s.phase === 'error') throw new Error(`the page failed: ${s.error}; console: ${problems.join(' | ')}`);
    return s;
  };

  beforeAll(async () => {
    const t = performance.now();
    await build({ root: ROOT, logLevel: 'warn' });
    server = await preview({ root: ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
    const origin = new URL(server.resolvedUrls!.local[0]!).origin;
    const { chromium: playwright } = await import('playwright-core');
    browser = await playwright.launch({ executablePath: chromium, args: [...CHROMIUM_ARGS] });
    page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
    // no network: only the preview server answers
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(origin)) return route.continue();
      refused.push(route.request().url());
      return route.abort();
    });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    await page.goto(`${origin}/?train=${TRAIN_STEPS}`);
    await settled(0);
    console.log(`explain: built, served and first computed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the reference backend's numbers for image #0 (loss terms, positives, forced, mined negatives)", async () => {
    const s = await state();
    const want = await reference(s);
    console.log(
      `explain: page num_pos ${s.numPos} mined ${s.mined} loss_l ${s.lossL} loss_c ${s.lossC}; reference ${want.numPos} ${want.mined} ${want.lossL} ${want.lossC}`,
    );
    expect(s.options).toEqual({ jaccardThresh: 0.5, negPos: 3 });
    expect(s.numPos).toBe(want.numPos);
    expect(s.numPos).toBeGreaterThan(0);
    expect(s.quota).toBe(want.quota);
    expect(s.mined).toBe(want.mined);
    expect(s.mined).toBe(Math.ceil(3 * s.numPos));
    expect(close(s.lossL, want.lossL), `loss_l ${s.lossL} vs ${want.lossL}`).toBe(true);
    expect(close(s.lossC, want.lossC), `loss_c ${s.lossC} vs ${want.lossC}`).toBe(true);
    // the per-box contributions add up to the loss shown
    expect(close(s.sumL, s.lossL), `Σ Smooth L1 / N ${s.sumL} vs loss_l ${s.lossL}`).toBe(true);
    expect(close(s.sumC, s.lossC), `Σ cross entropy / N ${s.sumC} vs loss_c ${s.lossC}`).toBe(true);
    expect(s.positives).toEqual(indices(want, (b) => b.positive));
    expect(s.forced).toEqual(indices(want, (b) => b.positive && b.forced));
    expect(s.minedBoxes).toEqual(indices(want, (b) => b.minedNegative));
    expectSameBoxes(s, want);
    expect(await page.textContent('#loss-l')).toBe(s.lossL.toFixed(6));
    expect(await page.textContent('#mined')).toBe(String(s.mined));
    expect(await page.textContent('#mining')).toMatch(/cut: ceil\(negPos · num_pos\) = ceil\(3 · \d+\) = \d+/);
    mkdirSync(REPORTS, { recursive: true });
    await page.screenshot({ path: join(REPORTS, 'explain.png'), fullPage: true });
  });

  it('every control is reached with Tab, in reading order', async () => {
    await page.focus('#image');
    const order: string[] = ['image'];
    for (let k = 0; k < 14; k++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    const controls = ['image', 'file', 'source', 'train', 'box', 'box-class', 'add-truth', 'clear-truths'];
    expect(order.slice(0, controls.length)).toEqual(controls);
    expect(order).toEqual(expect.arrayContaining(['jaccard', 'negpos', 'map', 'truth']));
    expect(order.indexOf('jaccard')).toBeLessThan(order.indexOf('negpos'));
  });

  it('lowering jaccardThresh by keyboard (0.5 -> 0.3) changes the matched set as the reference says', async () => {
    const before = await state();
    const wantBefore = await reference(before);
    await page.focus('#jaccard');
    let s = before;
    for (let k = 0; k < 4; k++) {
      await page.keyboard.press('ArrowLeft');
      s = await settled(s.runs);
    }
    // a press while a recomputation runs is folded into one more pass: wait until the page shows 0.3
    await page.waitForFunction(`window.__explain.options.jaccardThresh === 0.3 && window.__explain.phase === 'ready'`);
    s = await state();
    const want = await reference(s);
    console.log(`explain: positives at 0.5 ${before.positives.join(' ')}; at 0.3 ${s.positives.join(' ')}`);
    expect(await page.textContent('#jaccard-value')).toBe('0.3');
    expect(s.positives).toEqual(indices(want, (b) => b.positive));
    expect(s.forced).toEqual(indices(want, (b) => b.positive && b.forced));
    expect(s.minedBoxes).toEqual(indices(want, (b) => b.minedNegative));
    expect(s.numPos).toBe(want.numPos);
    expectSameBoxes(s, want);
    expect(close(s.lossL, want.lossL) && close(s.lossC, want.lossC)).toBe(true);
    // the move matters: the reference matches more boxes at 0.3 than at 0.5
    expect(want.numPos).toBeGreaterThan(wantBefore.numPos);
    await page.screenshot({ path: join(REPORTS, 'explain-jaccard-0.3.png'), fullPage: true });
  });

  it("RetinaNet's matcher on the same boxes: the reference's matched_idxs, ignored band and low-quality matches", async () => {
    let s = await state();
    const start = await referenceRetina(s);
    expectSameRetina(s, start);
    // lower bgIouThresh 0.4 -> 0.2 by keyboard: the ignored band [bg, fg) widens
    await page.focus('#bg');
    for (let k = 0; k < 4; k++) {
      await page.keyboard.press('ArrowLeft');
      s = await settled(s.runs);
    }
    await page.waitForFunction(
      `window.__explain.retina.options.bgIouThresh === 0.2 && window.__explain.phase === 'ready'`,
    );
    s = await state();
    const wider = await referenceRetina(s);
    expectSameRetina(s, wider);
    const ignored = (r: RetinaExplanation) => r.matched.filter((m) => m === -2).length;
    console.log(
      `explain: RetinaNet ignored anchors ${ignored(start)} at bg 0.4, ${ignored(wider)} at bg 0.2; low-quality ${wider.lowQuality.join(' ')}`,
    );
    expect(ignored(wider)).toBeGreaterThan(ignored(start));
    expect(wider.matched).not.toEqual(start.matched);
    // raise fgIouThresh 0.5 -> 0.7: truths whose best anchor falls below it keep it as a low-quality match
    await page.focus('#fg');
    for (let k = 0; k < 4; k++) {
      await page.keyboard.press('ArrowRight');
      s = await settled(s.runs);
    }
    await page.waitForFunction(
      `window.__explain.retina.options.fgIouThresh === 0.7 && window.__explain.phase === 'ready'`,
    );
    s = await state();
    const high = await referenceRetina(s);
    expectSameRetina(s, high);
    console.log(`explain: RetinaNet at fg 0.7: low-quality matches ${high.lowQuality.join(' ')}`);
    expect(high.lowQuality.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(REPORTS, 'explain-retinanet.png'), fullPage: true });
    // low-quality matches off (Space on the checkbox): those anchors leave the foreground
    await page.focus('#low-quality');
    await page.keyboard.press('Space');
    s = await settled(s.runs);
    const strict = await referenceRetina(s);
    expect(s.retina!.options.allowLowQualityMatches).toBe(false);
    expectSameRetina(s, strict);
    expect(strict.lowQuality).toEqual([]);
    expect(strict.numForeground).toBe(high.numForeground - high.lowQuality.length);
  });

  it("YOLOv8's task-aligned assigner: the reference's fg_mask, target_gt_idx and terms; topk by keyboard", async () => {
    let s = await state();
    expect(s.yolo!.options).toEqual({ topk: 10, alpha: 0.5, beta: 6 });
    const start = await referenceYolo(s);
    expectSameYolo(s, start);
    console.log(
      `explain: YOLOv8 topk 10: positives ${positivesOf(start.fgMask).join(' ')}; contested ${start.contested.join(' ')}`,
    );
    // the image's two truths overlap: some anchors are claimed by both, and the table marks them
    expect(start.contested.length).toBeGreaterThan(0);
    expect(await page.textContent('#yolo-rows')).toContain('(highest IoU)');
    expect(await page.textContent('#loss-ybox')).toBe(s.yolo!.lossBox.toFixed(6));
    // the three sliders follow each other in Tab order
    await page.focus('#topk');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('alpha');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('beta');
    await page.focus('#topk');
    for (let k = 0; k < 5; k++) {
      await page.keyboard.press('ArrowLeft');
      s = await settled(s.runs);
    }
    await page.waitForFunction(`window.__explain.yolo.options.topk === 5 && window.__explain.phase === 'ready'`);
    s = await state();
    const fewer = await referenceYolo(s);
    expectSameYolo(s, fewer);
    console.log(`explain: YOLOv8 topk 5: positives ${positivesOf(fewer.fgMask).join(' ')}`);
    expect(await page.textContent('#topk-value')).toBe('5');
    expect(positivesOf(fewer.fgMask)).not.toEqual(positivesOf(start.fgMask));
    expect(positivesOf(fewer.fgMask).length).toBeLessThan(positivesOf(start.fgMask).length);
    await page
      .locator('section[aria-labelledby="yolo-title"]')
      .screenshot({ path: join(REPORTS, 'explain-yolov8.png') });
  });

  it("with the tiny SSD's predictions, untrained and after training in the page, still the reference's numbers", async () => {
    let s = await state();
    await page.selectOption('#source', 'tiny-ssd');
    s = await settled(s.runs);
    expect(s.source).toBe('tiny-ssd');
    const untrained = await reference(s);
    expect(s.positives).toEqual(indices(untrained, (b) => b.positive));
    expectSameBoxes(s, untrained);
    const t = performance.now();
    await page.click('#train');
    s = await settled(s.runs);
    console.log(
      `explain: ${TRAIN_STEPS} training steps on tfjs-cpu and the recomputation: ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const trained = await reference(s);
    expect(close(s.lossL, trained.lossL) && close(s.lossC, trained.lossC)).toBe(true);
    expectSameBoxes(s, trained);
    // training changed the predictions, so the loss
    expect(s.lossC).not.toBe(untrained.lossC);
    expect(refused).toEqual([]);
    expect(problems).toEqual([]);
  });
});
