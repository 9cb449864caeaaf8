import { createTrainer, type StepLoss } from '@lossgraph-examples/tiny-ssd';
import '@tensorflow/tfjs-backend-cpu';
// The detector's ops (conv2d, relu, ...) need tfjs's kernel gradients, which tfjs-core does not register
// by itself: @tensorflow/tfjs-layers does. The loss needs none: apply() carries the IR's gradient rules.
import '@tensorflow/tfjs-layers';

export interface NodeTrainOptions {
  readonly steps?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** called after every step */
  readonly onStep?: (loss: StepLoss) => void;
}

/**
 * Trains the tiny SSD in Node on tfjs-cpu for `steps` steps (default 40); resolves to every step's
 * losses. (tfjs-backend-wasm 4.22 cannot train it: it has no Conv2DBackpropFilter kernel.)
 */
export async function train(options: NodeTrainOptions = {}): Promise<StepLoss[]> {
  const trainer = await createTrainer({
    backend: 'cpu',
    ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
    ...(options.learningRate !== undefined && { learningRate: options.learningRate }),
  });
  const history: StepLoss[] = [];
  try {
    for (let k = 0; k < (options.steps ?? 40); k++) {
      const loss = await trainer.step();
      history.push(loss);
      options.onStep?.(loss);
    }
  } finally {
    await trainer.dispose();
  }
  return history;
}
