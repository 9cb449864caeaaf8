/**
 * Trains a tiny SSD-style head with tfjs and the MultiBoxLoss of @lossgraph/tfjs (way (b): `apply`, then
 * tfjs's own `optimizer.minimize`), on synthetic data, and prints the loss going down.
 *
 *   pnpm --filter @lossgraph/tfjs example                      # tfjs-cpu, 40 steps
 *   npx tsx --conditions=source packages/tfjs/examples/train-tiny-ssd.ts --backend wasm --steps 60
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultBoxes, multiboxLossProgram, packTargets, type DefaultBoxConfig, type TruthRow } from '@lossgraph/core';
import { compile } from '@lossgraph/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Training the head needs the gradients of tfjs's own kernels (matMul, relu, ...), which tfjs-core does
// not register by itself: @tensorflow/tfjs-layers (or @tensorflow/tfjs) registers them. The loss itself
// needs none: apply() carries its own gradient rules.
import '@tensorflow/tfjs-layers';

setWasmPaths(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + '/');

/** A 64x64 "image" with two feature maps: 4*4*4 + 2*2*4 = 80 default boxes. */
const TINY_SSD: DefaultBoxConfig = {
  inputSize: 64,
  featureMaps: [4, 2],
  steps: [16, 32],
  minSizes: [16, 32],
  maxSizes: [32, 48],
  aspectRatios: [[2], [2]],
};
const NUM_CLASSES = 4; // background + 3 object classes
const BATCH = 4;
const FEATURES = 16;
const HIDDEN = 32;

/** Mulberry32, so that every run sees the same synthetic data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One to three random boxes per image, with labels in [0, NUM_CLASSES - 2]. */
function syntheticTruths(r: () => number): TruthRow[][] {
  return Array.from({ length: BATCH }, () =>
    Array.from({ length: 1 + Math.floor(r() * 3) }, (): TruthRow => {
      const [w, h] = [0.2 + 0.4 * r(), 0.2 + 0.4 * r()];
      const [x, y] = [r() * (1 - w), r() * (1 - h)];
      return [x, y, x + w, y + h, Math.floor(r() * (NUM_CLASSES - 1))];
    }),
  );
}

export interface TrainOptions {
  readonly backend?: string;
  readonly steps?: number;
  readonly learningRate?: number;
  /** called after each step with its loss (loss_l + loss_c) */
  readonly onStep?: (step: number, loss: number) => void;
}

/** Trains the head for `steps` steps; returns the loss (loss_l + loss_c) of every step. */
export async function trainTinySsd(options: TrainOptions = {}): Promise<number[]> {
  const loss = await compile(multiboxLossProgram({ gradients: false }), { backend: options.backend ?? 'cpu' });
  const priors = defaultBoxes(TINY_SSD);
  const P = priors.length / 4;
  const r = random(7);
  const { targets, num_objs } = packTargets(syntheticTruths(r));

  // fixed inputs: per-image "backbone features", the default boxes and the truths
  const data = {
    features: tf.tensor2d(Array.from({ length: BATCH * FEATURES }, () => 2 * r() - 1), [BATCH, FEATURES]),
    dbox_list: tf.tensor2d(priors, [P, 4]),
    targets: tf.tensor(targets.data, [...targets.shape]),
    num_objs: tf.tensor(num_objs.data, [...num_objs.shape], 'int32'),
  };
  // the head: a shared hidden layer, then one dense layer for box offsets and one for class logits
  const init = (shape: number[], seed: number) => tf.variable(tf.randomNormal(shape, 0, 0.1, 'float32', seed));
  const head = {
    w1: init([FEATURES, HIDDEN], 1),
    b1: tf.variable(tf.zeros([HIDDEN])),
    wLoc: init([HIDDEN, P * 4], 2),
    bLoc: tf.variable(tf.zeros([P * 4])),
    wConf: init([HIDDEN, P * NUM_CLASSES], 3),
    bConf: tf.variable(tf.zeros([P * NUM_CLASSES])),
  };
  const predict = () => {
    const hidden = tf.relu(tf.add(tf.matMul(data.features, head.w1), head.b1));
    const loc = tf.reshape(tf.add(tf.matMul(hidden, head.wLoc), head.bLoc), [BATCH, P, 4]);
    const conf = tf.reshape(tf.add(tf.matMul(hidden, head.wConf), head.bConf), [BATCH, P, NUM_CLASSES]);
    return { loc, conf };
  };

  const optimizer = tf.train.adam(options.learningRate ?? 0.01);
  const history: number[] = [];
  try {
    for (let step = 0; step < (options.steps ?? 40); step++) {
      const cost = optimizer.minimize(() => {
        const { loc, conf } = predict();
        const { loss_l, loss_c } = loss.apply({ loc_data: loc, conf_data: conf, dbox_list: data.dbox_list, targets: data.targets, num_objs: data.num_objs });
        return tf.add(loss_l!, loss_c!) as tf.Scalar;
      }, true)!;
      history.push((await cost.data())[0]!);
      cost.dispose();
      options.onStep?.(step, history[step]!);
    }
  } finally {
    optimizer.dispose();
    tf.dispose([...Object.values(data), ...Object.values(head)]);
    await loss.dispose();
  }
  return history;
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const backend = argument('backend') ?? 'cpu';
  const steps = Number(argument('steps') ?? 40);
  console.log(`training a tiny SSD head (${BATCH} images, ${defaultBoxes(TINY_SSD).length / 4} default boxes, ${NUM_CLASSES} classes) on tfjs-${backend}`);
  const history = await trainTinySsd({
    backend,
    steps,
    onStep: (step, value) => {
      if (step % 5 === 0 || step === steps - 1) console.log(`step ${String(step).padStart(3)}  loss ${value.toFixed(4)}`);
    },
  });
  console.log(`loss ${history[0]!.toFixed(4)} -> ${history[history.length - 1]!.toFixed(4)}`);
}
