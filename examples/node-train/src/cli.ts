#!/usr/bin/env -S tsx --conditions=source
/**
 * Trains the tiny SSD (examples/tiny-ssd) in Node with @lossgraph/tfjs on tfjs-cpu, with a progress bar:
 *   pnpm --filter @lossgraph-examples/node-train train [--steps 40] [--batch 8] [--lr 0.01]
 */
import { parseArgs } from 'node:util';
import { NUM_CLASSES, TINY_SSD } from '@lossgraph-examples/tiny-ssd';
import { SingleBar } from 'cli-progress';
import { train } from './train.js';

const USAGE = 'usage: node-train [--steps N (40)] [--batch N (8)] [--lr X (0.01)]';

function positive(name: string, text: string, integer: boolean): number {
  const x = Number(text);
  if (!(Number.isFinite(x) && x > 0 && (!integer || Number.isInteger(x))))
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  return x;
}

let options: { steps: number; batchSize: number; learningRate: number };
try {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '40' },
      batch: { type: 'string', default: '8' },
      lr: { type: 'string', default: '0.01' },
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
    batchSize: positive('batch', values.batch, true),
    learningRate: positive('lr', values.lr, false),
  };
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const boxes = TINY_SSD.featureMaps.reduce((n, f) => n + f * f * 4, 0);
console.log(
  `training the tiny SSD (${boxes} default boxes, ${NUM_CLASSES} classes, batch ${options.batchSize}) on tfjs-cpu`,
);
const bar = new SingleBar({
  format: 'step {value}/{total} |{bar}| loss {loss} (loc {loc}, conf {conf}) | {speed} steps/s',
  hideCursor: true,
  // not a terminal (CI, a pipe): a line every few seconds instead of redrawing in place
  noTTYOutput: !process.stderr.isTTY,
  notTTYSchedule: 2000,
});
const start = performance.now();
bar.start(options.steps, 0, { loss: '-', loc: '-', conf: '-', speed: '-' });
const history = await train({
  ...options,
  onStep: (s) => {
    const speed = (s.step + 1) / ((performance.now() - start) / 1000);
    bar.update(s.step + 1, {
      loss: s.total.toFixed(3),
      loc: s.loss_l.toFixed(3),
      conf: s.loss_c.toFixed(3),
      speed: speed.toFixed(2),
    });
  },
});
bar.stop();
const [first, last] = [history[0]!, history[history.length - 1]!];
console.log(
  `loss ${first.total.toFixed(4)} -> ${last.total.toFixed(4)} in ${history.length} steps (${((performance.now() - start) / 1000).toFixed(1)} s)`,
);
