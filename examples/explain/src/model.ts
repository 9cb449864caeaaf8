import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// the detector's ops need tfjs's kernel gradients; tfjs-core registers none by itself
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createTrainer, type Trainer } from '@lossgraph-examples/tiny-ssd';

let trainer: Promise<Trainer> | undefined;

/**
 * The tiny SSD on tfjs-cpu (seed 1, untrained until the page trains it). main.ts imports this module
 * only when the predictions come from the model, so tfjs is fetched only then.
 */
export function tinySsd(): Promise<Trainer> {
  trainer ??= tf.setBackend('cpu').then(() => createTrainer({ backend: 'cpu' }));
  return trainer;
}
