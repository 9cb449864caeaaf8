/**
 * Node: fine-tunes the exported detector on onnxruntime-node (CPU), exports the trained model and runs it on
 * plain onnxruntime-node.
 */
import { readFileSync } from 'node:fs';
import type { HostTensor } from '@lossgraph/core';
import { compile } from '@lossgraph/onnxruntime-node';
import * as ort from 'onnxruntime-node';
import { BATCH_SIZE, createFineTuning, type FineTuning, type TrainingBatch, trainingBatches } from './fine-tune.js';

/** model/detector.onnx, written by tools/reference/export_example_detector.py */
export const DETECTOR_ONNX = new URL('../model/detector.onnx', import.meta.url);

export interface StepRecord {
  readonly step: number;
  readonly loss_l: number;
  readonly loss_c: number;
  readonly total: number;
}

export interface TrainOptions {
  readonly steps: number;
  readonly learningRate?: number;
  /** images of the training set (default 64: 8 batches, taken in turn) */
  readonly datasetSize?: number;
  readonly seed?: number;
  readonly onStep?: (record: StepRecord) => void;
}

export interface TrainResult {
  readonly history: readonly StepRecord[];
  readonly fineTuning: FineTuning;
  readonly batches: readonly TrainingBatch[];
}

/** Trains `steps` Adam steps on onnxruntime-node's CPU provider; the caller disposes `fineTuning.trainer`. */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const fineTuning = await createFineTuning({
    onnx: new Uint8Array(readFileSync(DETECTOR_ONNX)),
    compile: (program, o) => compile(program, { ...o, executionProviders: ['cpu'] }),
    ...(options.learningRate === undefined ? {} : { learningRate: options.learningRate }),
  });
  const batches = trainingBatches(options.datasetSize ?? 64, options.seed ?? 1);
  const history: StepRecord[] = [];
  for (let k = 0; k < options.steps; k++) {
    const batch = batches[k % batches.length];
    if (batch === undefined) throw new Error('the data set holds no full batch');
    const { loss_l = Number.NaN, loss_c = Number.NaN } = await fineTuning.trainer.step(batch.feeds);
    const record = { step: k + 1, loss_l, loss_c, total: loss_l + loss_c };
    history.push(record);
    options.onStep?.(record);
  }
  return { history, fineTuning, batches };
}

/** Runs an ONNX model on plain onnxruntime-node (no lossgraph in between): its outputs by name. */
export async function runInference(
  onnx: Uint8Array,
  images: HostTensor,
): Promise<Record<'loc_data' | 'conf_data', Float32Array>> {
  if (images.shape[0] !== BATCH_SIZE) throw new Error(`the detector takes batches of ${BATCH_SIZE}`);
  const session = await ort.InferenceSession.create(onnx);
  try {
    const input = new ort.Tensor('float32', Float32Array.from(images.data), [...images.shape]);
    const out = await session.run({ images: input });
    const read = (name: string) => {
      const t = out[name];
      if (t === undefined) throw new Error(`the inference model gave no '${name}'`);
      return t.data as Float32Array;
    };
    return { loc_data: read('loc_data'), conf_data: read('conf_data') };
  } finally {
    await session.release();
  }
}
