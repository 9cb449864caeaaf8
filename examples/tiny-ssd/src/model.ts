import * as tf from '@tensorflow/tfjs-core';
import { BOXES_PER_CELL, NUM_CLASSES } from './config.js';

/** A 3x3 convolution's weights and bias. */
interface Conv {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
}

/**
 * The detector: four stride-2 3x3 convolutions take the 32x32 image to a 4x4 and a 2x2 feature map; on
 * each, an SSD head (one 3x3 convolution for box offsets, one for class logits) predicts every default
 * box of every cell.
 */
export interface TinySsd {
  readonly variables: readonly tf.Variable[];
  /** images [B, 32, 32, 1] -> loc [B, P, 4] and conf [B, P, NUM_CLASSES] */
  predict(images: tf.Tensor4D): { loc: tf.Tensor3D; conf: tf.Tensor3D };
  dispose(): void;
}

const BACKBONE = [1, 8, 16, 32, 32]; // channels: image, then after each convolution (32, 16, 8, 4, 2 pixels)

function conv(inC: number, outC: number, seed: number): Conv {
  const std = Math.sqrt(2 / (9 * inC)); // He initialisation
  return {
    w: tf.variable(tf.randomNormal([3, 3, inC, outC], 0, std, 'float32', seed)),
    b: tf.variable(tf.zeros([outC])),
  };
}

function apply(c: Conv, x: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.add(tf.conv2d(x, c.w as tf.Tensor4D, stride, 'same'), c.b);
}

/** Builds the detector with seeded weights (the same seed gives the same model on every tfjs backend). */
export function createTinySsd(seed = 1): TinySsd {
  const backbone = BACKBONE.slice(1).map((out, k) => conv(BACKBONE[k]!, out, seed + k));
  const heads = [3, 4].map((k) => ({
    loc: conv(BACKBONE[k]!, BOXES_PER_CELL * 4, seed + 10 + k),
    conf: conv(BACKBONE[k]!, BOXES_PER_CELL * NUM_CLASSES, seed + 20 + k),
  }));
  const variables = [...backbone, ...heads.flatMap((h) => [h.loc, h.conf])].flatMap((c) => [c.w, c.b]);

  return {
    variables,
    predict(images) {
      return tf.tidy(() => {
        const maps: tf.Tensor4D[] = [];
        let x = images;
        for (const c of backbone) {
          x = tf.relu(apply(c, x, 2));
          maps.push(x);
        }
        // heads on the last two maps (4x4, 2x2); a cell's boxes are consecutive, cells row-major, as defaultBoxes orders them
        const [loc, conf] = (['loc', 'conf'] as const).map((kind) => {
          const perBox = kind === 'loc' ? 4 : NUM_CLASSES;
          const parts = heads.map((h, i) => {
            const out = apply(h[kind], maps[maps.length - 2 + i]!, 1);
            return tf.reshape(out, [images.shape[0], -1, perBox]);
          });
          return tf.concat(parts, 1) as tf.Tensor3D;
        });
        return { loc: loc!, conf: conf! };
      });
    },
    dispose: () => tf.dispose([...variables]),
  };
}
