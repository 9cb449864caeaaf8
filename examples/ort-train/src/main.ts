/**
 * The page: fine-tunes the PyTorch-exported detector on onnxruntime-web with a live loss curve, exports the
 * trained model, runs it with plain onnxruntime-web on images it never saw and draws the boxes.
 */
import detectorUrl from '../model/detector.onnx?url';
import { LossChart } from './chart.js';
import { detectBatch } from './detections.js';
import { drawDetections } from './draw.js';
import { BATCH_SIZE, createFineTuning, priorBoxes, trainingBatches } from './fine-tune.js';
import { chooseProvider, compileOn, runPlainOrt } from './runtime.js';
import type { PageState } from './state.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const STEPS = Number(new URLSearchParams(location.search).get('steps') ?? 60);

const state: PageState = { phase: 'loading', ep: '', crossOriginIsolated, steps: [] };
window.__ortTrain = state;

function status(text: string): void {
  $('status').textContent = text;
}

function fail(error: unknown): void {
  state.phase = 'error';
  state.error = error instanceof Error ? error.message : String(error);
  status(`error: ${state.error}`);
  console.error(error);
}

async function main(): Promise<void> {
  const ep = chooseProvider(location.search);
  state.ep = ep;
  $('steps').textContent = String(STEPS);
  status(`compiling the training step for onnxruntime-web ${ep}…`);
  const onnx = new Uint8Array(await (await fetch(detectorUrl)).arrayBuffer());
  const fineTuning = await createFineTuning({ onnx, compile: compileOn(ep) });
  const chart = new LossChart($('loss-chart'));
  const batches = trainingBatches(64, 1);

  state.phase = 'training';
  const start = performance.now();
  for (let k = 0; k < STEPS; k++) {
    const batch = batches[k % batches.length];
    if (batch === undefined) throw new Error('the data set holds no full batch');
    const { loss_l = Number.NaN, loss_c = Number.NaN } = await fineTuning.trainer.step(batch.feeds);
    const s = { step: k + 1, loss_l, loss_c, total: loss_l + loss_c };
    state.steps.push(s);
    chart.add(s);
    const speed = (k + 1) / ((performance.now() - start) / 1000);
    status(
      `step ${s.step}/${STEPS}: loss ${s.total.toFixed(3)} (${speed.toFixed(1)} steps/s on onnxruntime-web ${ep})`,
    );
    await new Promise(requestAnimationFrame); // let the chart paint
  }

  state.phase = 'inference';
  status('exporting the trained model and running it with plain onnxruntime-web…');
  const exported = fineTuning.exportModel();
  state.exportedBytes = exported.length;
  await fineTuning.trainer.dispose();
  const [held] = trainingBatches(BATCH_SIZE, 99); // images the training never saw
  if (held === undefined) throw new Error('no held-out batch');
  const out = await runPlainOrt(ep, exported, held.feeds.images);
  state.detections = detectBatch(out.loc_data, out.conf_data, priorBoxes().data, BATCH_SIZE);
  state.boxesDrawn = drawDetections($('detections'), held.images, state.detections);
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  const [first, last] = [state.steps[0], state.steps.at(-1)];
  status(
    `done on ${ep}: loss ${first?.total.toFixed(3)} -> ${last?.total.toFixed(3)} in ${STEPS} steps, ` +
      `exported model ${(exported.length / 1024).toFixed(0)} KiB, ${seconds} s`,
  );
  state.phase = 'done';
}

main().catch(fail);
