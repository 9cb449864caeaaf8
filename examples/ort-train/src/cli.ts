#!/usr/bin/env -S tsx --conditions=source
/**
 * Fine-tunes the PyTorch-exported detector on onnxruntime-node, exports it, and runs it on plain onnxruntime:
 *   pnpm --filter @lossgraph-examples/ort-train train [--steps 60] [--lr 0.01] [--out trained.onnx]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SHAPES } from '@lossgraph-examples/tiny-ssd/config';
import { detectBatch } from './detections.js';
import { priorBoxes, trainingBatches } from './fine-tune.js';
import { runInference, train } from './train.js';

const USAGE =
  'usage: ort-train [--steps N (60)] [--lr X (0.01)] [--out FILE (examples/ort-train/trained-detector.onnx)]';

function positive(name: string, text: string, integer: boolean): number {
  const x = Number(text);
  if (!(Number.isFinite(x) && x > 0 && (!integer || Number.isInteger(x))))
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  return x;
}

let options: { steps: number; learningRate: number; out: string };
try {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '60' },
      lr: { type: 'string', default: '0.01' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  options = {
    steps: positive('steps', values.steps, true),
    learningRate: positive('lr', values.lr, false),
    // a given path is relative to where pnpm was run (INIT_CWD); the default lies in this example's folder
    out:
      values.out === undefined
        ? fileURLToPath(new URL('../trained-detector.onnx', import.meta.url))
        : resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
  };
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

console.log('fine-tuning model/detector.onnx (PyTorch export, 80 default boxes, 4 classes) on onnxruntime-node cpu');
const start = performance.now();
// on a terminal the line is redrawn in place; in a pipe (CI) one line every 10 steps and at the end
const tty = process.stderr.isTTY;
const { history, fineTuning } = await train({
  steps: options.steps,
  learningRate: options.learningRate,
  onStep: (s) => {
    const speed = s.step / ((performance.now() - start) / 1000);
    const line = `step ${s.step}/${options.steps} loss ${s.total.toFixed(3)} (loc ${s.loss_l.toFixed(3)}, conf ${s.loss_c.toFixed(3)}) | ${speed.toFixed(1)} steps/s`;
    if (tty) process.stderr.write(`\r${line}`);
    else if (s.step % 10 === 0 || s.step === options.steps) process.stderr.write(`${line}\n`);
  },
});
if (tty) process.stderr.write('\n');
const [first, last] = [history[0], history.at(-1)];
if (first && last)
  console.log(
    `loss ${first.total.toFixed(4)} -> ${last.total.toFixed(4)} in ${history.length} steps (${((performance.now() - start) / 1000).toFixed(1)} s)`,
  );

const bytes = fineTuning.exportModel();
await fineTuning.trainer.dispose();
writeFileSync(options.out, bytes);
console.log(`wrote ${options.out} (${bytes.length} bytes): inputs images [8, 1, 32, 32], outputs loc_data, conf_data`);

// images the training never saw (another seed), through plain onnxruntime-node
const [held] = trainingBatches(8, 99);
if (held === undefined) throw new Error('no held-out batch');
const out = await runInference(bytes, held.feeds.images);
const detections = detectBatch(out.loc_data, out.conf_data, priorBoxes().data, 8);
const fmt = (b: readonly number[]) => `[${b.map((x) => (x * 32).toFixed(1)).join(', ')}]`;
for (const [i, image] of held.images.slice(0, 3).entries()) {
  console.log(`image ${i}:`);
  for (const [x0, y0, x1, y1, label] of image.truths)
    console.log(`  truth     ${SHAPES[label] ?? label} ${fmt([x0, y0, x1, y1])}`);
  for (const d of detections[i] ?? []) console.log(`  predicted ${d.name} ${fmt(d.box)} score ${d.score.toFixed(2)}`);
}
