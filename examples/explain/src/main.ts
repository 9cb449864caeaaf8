import type { TruthRow } from '@lossgraph/core';
import { IMAGE_SIZE, SHAPES, TINY_SSD } from '@lossgraph-examples/tiny-ssd/config';
import { type ShapesImage, shapesDataset } from '@lossgraph-examples/tiny-ssd/dataset';
import { drawBoxes, drawHeatMap, roleOf } from './draw.js';
import { type ExplainFeeds, type Explanation, explain } from './explanation.js';
import { iou, NUM_PRIORS, pointForm } from './layout.js';
import { explainRetina, type RetinaExplanation, type RetinaOptions, retinaFeeds, retinaRoles } from './retinanet.js';
import { type MatchOptions, runLoss, runRetina, runYolo } from './runtime.js';
import { imageFromFile, lossFeeds, modelPredictions, type PredictionSource, randomPredictions } from './scene.js';
import type { ExplainState } from './state.js';
import { miningRows, positiveRows } from './tables.js';
import {
  explainYolo,
  YOLO_LEVELS,
  type YoloExplanation,
  type YoloFeeds,
  type YoloOptions,
  yoloFeeds,
} from './yolov8.js';
import { bestLevel, drawAlignment, drawAssignment, levelTop, yoloAnchorRows, yoloTruthRows } from './yolov8-view.js';

/** The tiny SSD, loaded (with tfjs) on first use. */
const tinySsd = async () => (await import('./model.js')).tinySsd();

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const IMAGES = shapesDataset(16, 1);
/** steps one click on "Train" runs; `?train=N` sets it */
const TRAIN_STEPS = Number(new URLSearchParams(location.search).get('train') ?? 20);
const RANDOM_SEED = 7;
/** seed of YOLOv8's random predictions */
const YOLO_SEED = 11;

const state: ExplainState = {
  phase: 'loading',
  runs: 0,
  options: { jaccardThresh: 0.5, negPos: 3 },
  image: 0,
  source: 'random',
  numPos: 0,
  quota: 0,
  mined: 0,
  lossL: 0,
  lossC: 0,
  sumL: 0,
  sumC: 0,
  positives: [],
  forced: [],
  minedBoxes: [],
  matchedTruth: [],
  crossEntropy: [],
  smoothL1: [],
  miningScore: [],
};
window.__explain = state;

/** The image shown: one of the synthetic set, or a dropped picture; its truths can be edited. */
let image: ShapesImage = { pixels: first(IMAGES).pixels, truths: [...first(IMAGES).truths] };

function first<T>(xs: readonly T[]): T {
  const [x] = xs;
  if (x === undefined) throw new Error('empty list');
  return x;
}

function status(text: string): void {
  $('status').textContent = text;
}

function fail(error: unknown): void {
  state.phase = 'error';
  state.error = error instanceof Error ? error.message : String(error);
  status(`error: ${state.error}`);
  console.error(error);
}

function options(): MatchOptions {
  return {
    jaccardThresh: Number($<HTMLInputElement>('jaccard').value),
    negPos: Number($<HTMLInputElement>('negpos').value),
  };
}

/** IoU of every default box with every truth, [truth][box] (float64, for the heat map and the table). */
function overlapsOf(truths: readonly TruthRow[]): number[][] {
  return truths.map(([x0, y0, x1, y1]) =>
    Array.from({ length: NUM_PRIORS }, (_, p) => iou([x0, y0, x1, y1], pointForm(p))),
  );
}

async function predictions(): Promise<Pick<ExplainFeeds, 'loc_data' | 'conf_data'>> {
  const source = $<HTMLSelectElement>('source').value as PredictionSource;
  return source === 'random' ? randomPredictions(RANDOM_SEED) : modelPredictions(await tinySsd(), image);
}

function plain(feeds: ExplainFeeds | YoloFeeds): NonNullable<ExplainState['feeds']> {
  return Object.fromEntries(
    Object.entries(feeds).map(([k, t]) => [k, { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data) }]),
  );
}

function fillTruthChoices(): void {
  for (const id of ['truth', 'yolo-truth']) {
    const select = $<HTMLSelectElement>(id);
    const keep = select.selectedIndex;
    select.replaceChildren(
      ...image.truths.map(([, , , , label], t) => new Option(`T${t} ${SHAPES[label] ?? ''}`, String(t))),
    );
    select.selectedIndex = Math.min(Math.max(0, keep), image.truths.length - 1);
  }
}

function render(e: Explanation, overlaps: number[][], o: MatchOptions): void {
  const map = Number($<HTMLSelectElement>('map').value);
  const truth = Math.max(0, Number($<HTMLSelectElement>('truth').value));
  drawBoxes($('boxes'), image, e.boxes.map(roleOf), map, truth);
  drawHeatMap($('heat'), e.boxes, overlaps[truth] ?? [], map);
  const f = (v: number) => v.toFixed(6);
  $('loss-l').textContent = f(e.lossL);
  $('loss-c').textContent = f(e.lossC);
  $('loss-total').textContent = f(e.lossL + e.lossC);
  $('sum-l').textContent = f(e.sumL);
  $('sum-c').textContent = f(e.sumC);
  $('sum-total').textContent = f(e.sumL + e.sumC);
  $('num-pos').textContent = String(e.numPos);
  $('num-forced').textContent = String(e.boxes.filter((b) => b.positive && b.forced).length);
  $('quota').textContent = String(e.quota);
  $('mined').textContent = String(e.mined);
  $('provenance').textContent =
    `From the graph (onnxruntime-web): ${e.fromGraph.join(', ')}. ` +
    `Added by the page: ${e.derivedOnPage.join('; ')}.`;
  positiveRows(
    $('positives'),
    e,
    overlaps,
    image.truths.map((t) => t[4]),
    o.jaccardThresh,
  );
  miningRows($('mining'), e, o.negPos);
  $('boxes').setAttribute(
    'aria-label',
    `${e.numPos} positive default boxes, ${e.mined} mined negatives; the tables below list them.`,
  );
}

function retinaOptions(): RetinaOptions {
  const fg = Number($<HTMLInputElement>('fg').value);
  const bg$ = $<HTMLInputElement>('bg');
  // the Matcher needs bgIouThresh <= fgIouThresh: the background slider follows the foreground one down
  if (Number(bg$.value) > fg) bg$.value = String(fg);
  return {
    fgIouThresh: fg,
    bgIouThresh: Number(bg$.value),
    allowLowQualityMatches: $<HTMLInputElement>('low-quality').checked,
  };
}

function renderRetina(r: RetinaExplanation, overlaps: number[][], o: RetinaOptions): void {
  const map = Number($<HTMLSelectElement>('map').value);
  drawBoxes($('retina-boxes'), image, retinaRoles(r), map, Math.max(0, Number($<HTMLSelectElement>('truth').value)));
  $('fg-value').textContent = String(o.fgIouThresh);
  $('bg-value').textContent = String(o.bgIouThresh);
  const f = (v: number) => v.toFixed(6);
  $('loss-cls').textContent = f(r.lossCls);
  $('sum-cls').textContent = f(r.sumCls);
  $('loss-box').textContent = f(r.lossBox);
  $('sum-box').textContent = f(r.sumBox);
  $('num-fg').textContent = String(r.numForeground);
  $('num-low').textContent = String(r.lowQuality.length);
  $('num-ignored').textContent = String(r.ignored);
  $('num-bg').textContent = String(r.matched.filter((m) => m === -1).length);
  const low = new Set(r.lowQuality);
  const best = (p: number) => Math.max(0, ...overlaps.map((row) => row[p] ?? 0));
  $('retina-rows').replaceChildren(
    ...r.matched.flatMap((m, p) => {
      if (m === -1) return [];
      const tr = document.createElement('tr');
      tr.className = low.has(p) ? 'forced' : m >= 0 ? 'positive' : 'dropped';
      const kind = low.has(p) ? `T${m}, low-quality` : m >= 0 ? `T${m}` : '−2 ignored';
      for (const text of [
        `${low.has(p) ? 'L' : m >= 0 ? 'P' : 'I'}${p}`,
        kind,
        best(p).toFixed(4),
        f(r.focal[p] ?? 0),
        f(r.box[p] ?? 0),
      ])
        tr.insertCell().textContent = text;
      return [tr];
    }),
  );
}

function yoloOptions(): YoloOptions {
  const o = {
    topk: Number($<HTMLInputElement>('topk').value),
    alpha: Number($<HTMLInputElement>('alpha').value),
    beta: Number($<HTMLInputElement>('beta').value),
  };
  for (const [key, value] of Object.entries(o)) $(`${key}-value`).textContent = String(value);
  return o;
}

let lastYolo: { key: string; feeds: YoloFeeds; explanation: YoloExplanation } | undefined;

/** YOLOv8's account of the current truths; reused while neither they nor the assigner options change. */
async function yoloFor(o: YoloOptions): Promise<{ feeds: YoloFeeds; explanation: YoloExplanation }> {
  const key = JSON.stringify([image.truths, o]);
  if (lastYolo?.key !== key) {
    const feeds = yoloFeeds(image.truths, YOLO_SEED);
    lastYolo = { key, feeds, explanation: explainYolo(await runYolo(feeds, o), feeds) };
  }
  return lastYolo;
}

/** Until the reader picks a level, the heat map shows the level where the chosen truth's candidates are. */
let levelChosen = false;

function renderYolo(y: YoloExplanation): void {
  const truth = Math.max(0, Number($<HTMLSelectElement>('yolo-truth').value));
  const level$ = $<HTMLSelectElement>('yolo-level');
  if (!levelChosen) level$.value = String(bestLevel(y, truth));
  const level = Number(level$.value);
  drawAlignment($('yolo-heat'), image, y, level, truth);
  drawAssignment($('yolo-assign'), image, y, truth);
  $('yolo-top').textContent = `largest t on this level ${levelTop(y, level, truth).toExponential(3)}`;
  const f = (v: number) => v.toFixed(6);
  for (const [id, v] of [
    ['loss-ybox', y.lossBox],
    ['sum-ybox', y.sumBox],
    ['loss-ycls', y.lossCls],
    ['sum-ycls', y.sumCls],
    ['loss-ydfl', y.lossDfl],
    ['sum-ydfl', y.sumDfl],
  ] as const)
    $(id).textContent = f(v);
  $('num-yfg').textContent = String(y.fgMask.filter((m) => m === 1).length);
  $('num-contested').textContent = String(y.contested.length);
  $('yolo-s').textContent = y.total.toFixed(4);
  $('yolo-provenance').textContent =
    'From the graph: loss_box, loss_cls, loss_dfl, candidates, align_metric, fg_mask, target_gt_idx, ' +
    'target_scores. Added by the page: the in-box test, the contested anchors, and the per-anchor terms ' +
    '(recomputed in float64 from the predictions and target_scores).';
  yoloTruthRows($('yolo-truths'), y, image.truths);
  yoloAnchorRows($('yolo-rows'), y);
  $('yolo-assign').setAttribute(
    'aria-label',
    `${y.fgMask.filter((m) => m === 1).length} positive anchors, ${y.contested.length} claimed by several truths; the tables below list them.`,
  );
}

let running = false;
let again = false;

/** Recomputes everything for the current inputs; changes made while it runs trigger one more pass. */
async function update(): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      state.phase = 'computing';
      const o = options();
      $('jaccard-value').textContent = String(o.jaccardThresh);
      $('negpos-value').textContent = String(o.negPos);
      fillTruthChoices();
      const feeds = lossFeeds(await predictions(), image.truths);
      const start = performance.now();
      const outputs = await runLoss(feeds, o);
      const ms = performance.now() - start;
      const overlaps = overlapsOf(image.truths);
      const e = explain(outputs, o);
      render(e, overlaps, o);
      const ro = retinaOptions();
      const r = explainRetina(await runRetina(retinaFeeds(feeds), ro), ro, overlaps);
      renderRetina(r, overlaps, ro);
      const yo = yoloOptions();
      const { feeds: yf, explanation: y } = await yoloFor(yo);
      renderYolo(y);
      Object.assign(state, {
        options: o,
        source: $<HTMLSelectElement>('source').value,
        numPos: e.numPos,
        quota: e.quota,
        mined: e.mined,
        lossL: e.lossL,
        lossC: e.lossC,
        sumL: e.sumL,
        sumC: e.sumC,
        positives: e.boxes.filter((b) => b.positive).map((b) => b.index),
        forced: e.boxes.filter((b) => b.positive && b.forced).map((b) => b.index),
        minedBoxes: e.boxes.filter((b) => b.minedNegative).map((b) => b.index),
        matchedTruth: e.boxes.map((b) => b.truth),
        crossEntropy: e.boxes.map((b) => b.crossEntropy),
        smoothL1: e.boxes.map((b) => b.smoothL1),
        miningScore: e.boxes.map((b) => b.miningScore),
        feeds: plain(feeds),
        retina: {
          options: ro,
          matched: [...r.matched],
          lowQuality: [...r.lowQuality],
          focal: [...r.focal],
          box: [...r.box],
          lossCls: r.lossCls,
          lossBox: r.lossBox,
          sumCls: r.sumCls,
          sumBox: r.sumBox,
        },
        yolo: {
          options: yo,
          fgMask: [...y.fgMask],
          targetGtIdx: [...y.targetGtIdx],
          candidates: y.candidates.map((c) => c.map(Number)),
          contested: [...y.contested],
          lossBox: y.lossBox,
          lossCls: y.lossCls,
          lossDfl: y.lossDfl,
          sumBox: y.sumBox,
          sumCls: y.sumCls,
          sumDfl: y.sumDfl,
          feeds: plain(yf),
        },
      });
      state.runs++;
      status(
        `jaccardThresh ${o.jaccardThresh}, negPos ${o.negPos}: ${e.numPos} positives, ${e.mined} mined negatives, ` +
          `loss ${(e.lossL + e.lossC).toFixed(4)} (onnxruntime-web wasm, ${ms.toFixed(0)} ms)`,
      );
    } while (again);
    state.phase = 'ready';
  } catch (error) {
    fail(error);
  } finally {
    running = false;
  }
}

const refresh = () => void update();

function setImage(next: ShapesImage): void {
  image = { pixels: next.pixels, truths: [...next.truths] };
  refresh();
}

function addTruth(row: TruthRow): void {
  const [x0, y0, x1, y1] = row;
  if (!(x1 > x0 && y1 > y0)) return;
  image = { pixels: image.pixels, truths: [...image.truths, row] };
  refresh();
}

/** Drag on the image canvas to draw a truth box of the chosen class. */
function enableDrawing(canvas: HTMLCanvasElement): void {
  let from: [number, number] | undefined;
  const at = (ev: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    return [clamp((ev.clientX - r.left) / r.width), clamp((ev.clientY - r.top) / r.height)];
  };
  canvas.addEventListener('pointerdown', (ev) => {
    from = at(ev);
  });
  canvas.addEventListener('pointerup', (ev) => {
    if (from === undefined) return;
    const to = at(ev);
    const [a, b] = from;
    from = undefined;
    const label = Number($<HTMLSelectElement>('box-class').value);
    addTruth([Math.min(a, to[0]), Math.min(b, to[1]), Math.max(a, to[0]), Math.max(b, to[1]), label]);
  });
}

function main(): void {
  $<HTMLSelectElement>('image').replaceChildren(
    ...IMAGES.map((im, k) => new Option(`#${k}: ${im.truths.map((t) => SHAPES[t[4]]).join(', ')}`, String(k))),
  );
  $<HTMLSelectElement>('map').replaceChildren(
    ...TINY_SSD.featureMaps.map((size, k) => new Option(`${size}×${size} (${size * size * 4} boxes)`, String(k))),
  );
  $<HTMLSelectElement>('yolo-level').replaceChildren(
    ...YOLO_LEVELS.map(({ stride, size }, k) => new Option(`stride ${stride}: ${size}×${size} anchors`, String(k))),
  );
  $('yolo-level').addEventListener('input', () => {
    levelChosen = true;
  });
  $<HTMLSelectElement>('box-class').replaceChildren(...SHAPES.map((s, k) => new Option(s, String(k))));
  $('image').addEventListener('change', (ev) => {
    state.image = Number((ev.target as HTMLSelectElement).value);
    setImage(IMAGES[state.image] ?? first(IMAGES));
  });
  $('file').addEventListener('change', (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (file !== undefined) imageFromFile(file).then(setImage, fail);
  });
  for (const id of [
    'source',
    'jaccard',
    'negpos',
    'map',
    'truth',
    'fg',
    'bg',
    'low-quality',
    'topk',
    'alpha',
    'beta',
    'yolo-level',
    'yolo-truth',
  ])
    $(id).addEventListener('input', refresh);
  $('add-truth').addEventListener('click', () => {
    const v = $<HTMLInputElement>('box')
      .value.trim()
      .split(/[\s,]+/)
      .map(Number);
    if (v.length !== 4 || v.some((x) => !Number.isFinite(x))) {
      status('a truth is four numbers: x0 y0 x1 y1, in pixels (0–32)');
      return;
    }
    const [x0, y0, x1, y1] = v.map((x) => Math.min(IMAGE_SIZE, Math.max(0, x)) / IMAGE_SIZE) as [
      number,
      number,
      number,
      number,
    ];
    addTruth([x0, y0, x1, y1, Number($<HTMLSelectElement>('box-class').value)]);
  });
  $('clear-truths').addEventListener('click', () => {
    image = { pixels: image.pixels, truths: [] };
    refresh();
  });
  $('train').addEventListener('click', () => {
    const button = $<HTMLButtonElement>('train');
    button.disabled = true;
    state.phase = 'training';
    status(`training the tiny SSD ${TRAIN_STEPS} steps on tfjs-cpu…`);
    (async () => {
      const trainer = await tinySsd();
      let last = 0;
      for (let k = 0; k < TRAIN_STEPS; k++) last = (await trainer.step()).total;
      status(`trained ${TRAIN_STEPS} more steps (last batch loss ${last.toFixed(3)})`);
      $<HTMLSelectElement>('source').value = 'tiny-ssd';
      await update();
    })()
      .catch(fail)
      .finally(() => {
        button.disabled = false;
      });
  });
  $('train-steps').textContent = String(TRAIN_STEPS);
  enableDrawing($('boxes'));
  refresh();
}

main();
