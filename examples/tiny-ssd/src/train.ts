import { defaultBoxes, type HostTensor, multiboxLossProgram } from '@lossgraph/core';
import { compile, type TfjsCompiledLoss } from '@lossgraph/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { TINY_SSD } from './config.js';
import { type ShapesBatch, shapesDataset, toBatch } from './dataset.js';
import { createTinySsd, type TinySsd } from './model.js';

export interface TrainerOptions {
  /** tfjs backend: 'cpu', 'wasm', 'webgl', ... (its package imported by the app). Default: tfjs's active one. */
  readonly backend?: string;
  /** images in the data set (default 32) and per step (default 8) */
  readonly datasetSize?: number;
  readonly batchSize?: number;
  /** Adam's learning rate (default 0.01) */
  readonly learningRate?: number;
  readonly seed?: number;
}

/** One training step's losses (MultiBoxLoss terms, divided by the number of positives). */
export interface StepLoss {
  readonly step: number;
  readonly loss_l: number;
  readonly loss_c: number;
  readonly total: number;
}

/** The loss inputs for one batch, as host arrays: what any lossgraph backend's `run` takes. */
export type LossFeeds = Record<'loc_data' | 'conf_data' | 'dbox_list' | 'targets' | 'num_objs', HostTensor>;

export interface Trainer {
  readonly loss: TfjsCompiledLoss;
  readonly model: TinySsd;
  readonly batches: readonly ShapesBatch[];
  /** default boxes (cx, cy, w, h), [P * 4] */
  readonly priors: Float32Array;
  /** one Adam step on the next batch (batches in turn); resolves to that step's losses */
  step(): Promise<StepLoss>;
  /** the model's current predictions on a batch, with its truths: the feeds of the MultiBoxLoss */
  feeds(batch: ShapesBatch): Promise<LossFeeds>;
  /** losses and tfjs-autodiff gradients (d(loss_l + loss_c)/d loc, conf) of apply() on those feeds */
  lossAndGradients(feeds: LossFeeds): Promise<Record<'loss_l' | 'loss_c' | 'grad_loc' | 'grad_conf', HostTensor>>;
  dispose(): Promise<void>;
}

async function host(t: tf.Tensor): Promise<HostTensor> {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const data = dtype === 'int32' ? Int32Array.from(await t.data()) : Float32Array.from(await t.data());
  return { dtype, shape: t.shape, data };
}

function tensor(t: HostTensor): tf.Tensor {
  return tf.tensor(t.data as Float32Array | Int32Array, [...t.shape], t.dtype === 'int32' ? 'int32' : 'float32');
}

/**
 * Trains the tiny SSD with the MultiBoxLoss of @lossgraph/tfjs the tfjs way: `apply()` inside Adam's
 * `minimize`, so tfjs's own autodiff differentiates the loss (with the IR's gradient rules) and the model.
 * The model's ops need tfjs's kernel gradients: the app imports `@tensorflow/tfjs-layers` (Node) or
 * `@tensorflow/tfjs-core/dist/register_all_gradients` (bundlers).
 */
export async function createTrainer(options: TrainerOptions = {}): Promise<Trainer> {
  const loss = await compile(
    multiboxLossProgram({ gradients: false }),
    options.backend === undefined ? {} : { backend: options.backend },
  );
  const batchSize = options.batchSize ?? 8;
  const images = shapesDataset(options.datasetSize ?? 32, options.seed ?? 1);
  const batches: ShapesBatch[] = [];
  for (let i = 0; i < images.length; i += batchSize) batches.push(toBatch(images.slice(i, i + batchSize)));
  const priors = defaultBoxes(TINY_SSD);
  const dbox = tf.tensor2d(priors, [priors.length / 4, 4]);
  const model = createTinySsd(options.seed ?? 1);
  const optimizer = tf.train.adam(options.learningRate ?? 0.01);
  let steps = 0;

  const lossTerms = (loc: tf.Tensor, conf: tf.Tensor, batch: { targets: tf.Tensor; num_objs: tf.Tensor }) =>
    loss.apply({ loc_data: loc, conf_data: conf, dbox_list: dbox, targets: batch.targets, num_objs: batch.num_objs });

  return {
    loss,
    model,
    batches,
    priors,
    async step() {
      const batch = batches[steps % batches.length]!;
      const inputs = {
        images: tensor(batch.pixels) as tf.Tensor4D,
        targets: tensor(batch.targets),
        num_objs: tensor(batch.num_objs),
      };
      const parts: tf.Scalar[] = [];
      try {
        optimizer.minimize(() => {
          const { loc, conf } = model.predict(inputs.images);
          const { loss_l, loss_c } = lossTerms(loc, conf, inputs);
          parts.push(tf.keep(loss_l!), tf.keep(loss_c!));
          return tf.add(loss_l!, loss_c!) as tf.Scalar;
        });
        const [l, c] = await Promise.all(parts.map(async (p) => (await p.data())[0]!));
        return { step: steps++, loss_l: l!, loss_c: c!, total: l! + c! };
      } finally {
        tf.dispose([...parts, ...Object.values(inputs)]);
      }
    },
    async feeds(batch) {
      const images = tensor(batch.pixels) as tf.Tensor4D;
      const { loc, conf } = model.predict(images);
      try {
        const [loc_data, conf_data] = await Promise.all([host(loc), host(conf)]);
        return {
          loc_data,
          conf_data,
          dbox_list: { dtype: 'float32', shape: [priors.length / 4, 4], data: priors },
          targets: batch.targets,
          num_objs: batch.num_objs,
        };
      } finally {
        tf.dispose([images, loc, conf]);
      }
    },
    async lossAndGradients(feeds) {
      const [loc, conf, targets, num_objs] = [feeds.loc_data, feeds.conf_data, feeds.targets, feeds.num_objs].map(
        tensor,
      );
      const terms: tf.Scalar[] = [];
      const grads = tf.grads((l: tf.Tensor, c: tf.Tensor) => {
        const { loss_l, loss_c } = lossTerms(l, c, { targets: targets!, num_objs: num_objs! });
        terms.push(tf.keep(loss_l!), tf.keep(loss_c!));
        return tf.add(loss_l!, loss_c!);
      })([loc!, conf!]);
      try {
        const [loss_l, loss_c, grad_loc, grad_conf] = await Promise.all([...terms, ...grads].map(host));
        return { loss_l: loss_l!, loss_c: loss_c!, grad_loc: grad_loc!, grad_conf: grad_conf! };
      } finally {
        tf.dispose([loc!, conf!, targets!, num_objs!, ...terms, ...grads]);
      }
    },
    async dispose() {
      optimizer.dispose();
      model.dispose();
      dbox.dispose();
      await loss.dispose();
    },
  };
}
