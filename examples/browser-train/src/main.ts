import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
// the detector's ops need tfjs's kernel gradients; tfjs-core registers none by itself
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { HostTensor } from '@lossgraph/core';
import { agreement, createTrainer, type Trainer } from '@lossgraph-examples/tiny-ssd';
import { LossChart } from './chart.js';
import { ORT_THREADS, runOnOrt } from './ort-check.js';
import { drawSamples } from './samples.js';
import type { PageState } from './state.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const STEPS = Number(new URLSearchParams(location.search).get('steps') ?? 30);
const CHECKED = ['loss_l', 'loss_c', 'grad_loc', 'grad_conf'] as const;

const state: PageState = { phase: 'loading', tfBackend: '', crossOriginIsolated, steps: [] };
window.__browserTrain = state;

function status(text: string): void {
  $('status').textContent = text;
}

function fail(error: unknown): void {
  state.phase = 'error';
  state.error = error instanceof Error ? error.message : String(error);
  status(`error: ${state.error}`);
  console.error(error);
}

async function train(trainer: Trainer, chart: LossChart): Promise<void> {
  state.phase = 'training';
  const start = performance.now();
  for (let k = 0; k < STEPS; k++) {
    const s = await trainer.step();
    state.steps.push(s);
    chart.add(s);
    status(
      `step ${s.step + 1}: loss ${s.total.toFixed(3)} (${((k + 1) / ((performance.now() - start) / 1000)).toFixed(1)} steps/s on tfjs-${state.tfBackend})`,
    );
    await new Promise(requestAnimationFrame); // let the chart paint
  }
  state.phase = 'ready';
}

/** Runs batch 1 through tfjs (apply + tf.grads) and through onnxruntime-web, and compares. */
async function check(trainer: Trainer): Promise<void> {
  state.phase = 'checking';
  status(`running batch 1 on onnxruntime-web (wasm, ${ORT_THREADS} threads)…`);
  const feeds = await trainer.feeds(trainer.batches[0]!);
  const tfjs = await trainer.lossAndGradients(feeds);
  const ort = await runOnOrt(feeds);
  // a loss is shown as its value, a gradient as its largest magnitude
  const shown = (t: HostTensor) =>
    t.shape.length === 0 ? t.data[0]! : Array.from(t.data, Math.abs).reduce((a, b) => Math.max(a, b), 0);
  const rows = agreement(ort.outputs, tfjs, CHECKED).map((a) => ({
    ...a,
    tfjs: shown(tfjs[a.name]!),
    ort: shown(ort.outputs[a.name]!),
  }));
  state.check = { rows, ortThreads: ort.numThreads, ortMs: ort.ms, pass: rows.every((r) => r.pass) };
  $('check-rows').replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      const value = (x: number) => (r.name.startsWith('grad') ? `max |·| ${x.toFixed(6)}` : x.toFixed(6));
      for (const text of [r.name, value(r.tfjs), value(r.ort), r.error.toExponential(2), r.tolerance.toExponential(2)])
        tr.insertCell().textContent = text;
      const verdict = tr.insertCell();
      verdict.textContent = r.pass ? 'agree' : 'DIFFER';
      verdict.className = r.pass ? 'pass' : 'fail';
      return tr;
    }),
  );
  $('check-summary').textContent =
    `After ${state.steps.length} steps, the first batch through the trained detector: tfjs-${state.tfBackend} against onnxruntime-web ` +
    `(wasm, ${ort.numThreads} threads, ${ort.ms.toFixed(0)} ms with its compile, page ${crossOriginIsolated ? '' : 'NOT '}cross-origin isolated), docs/FIXTURES.md tolerances.`;
  $('check-result').hidden = false;
  state.phase = 'ready';
  status(state.check.pass ? 'the two runtimes agree' : 'the two runtimes DIFFER');
}

async function main(): Promise<void> {
  $('train-steps').textContent = String(STEPS);
  if (!(await tf.setBackend('webgl'))) throw new Error('tfjs could not start its webgl backend (no WebGL here)');
  state.tfBackend = tf.getBackend();
  const trainer = await createTrainer({ backend: state.tfBackend });
  const chart = new LossChart($('loss-chart'));
  drawSamples($('samples'), trainer.batches[0]!.images);
  const train$ = $<HTMLButtonElement>('train');
  const check$ = $<HTMLButtonElement>('check');
  const busy = (on: boolean) => {
    train$.disabled = check$.disabled = on;
  };
  train$.onclick = () => {
    busy(true);
    train(trainer, chart)
      .catch(fail)
      .finally(() => busy(false));
  };
  check$.onclick = () => {
    busy(true);
    check(trainer)
      .catch(fail)
      .finally(() => busy(false));
  };
  state.phase = 'ready';
  busy(false);
  status(
    `ready: tfjs-${state.tfBackend}, ${trainer.priors.length / 4} default boxes, page ${crossOriginIsolated ? '' : 'not '}cross-origin isolated`,
  );
}

main().catch(fail);
