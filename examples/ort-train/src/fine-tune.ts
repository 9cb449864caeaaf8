/**
 * The fine-tuning shared by the Node CLI and the page: the PyTorch-exported detector (model/detector.onnx)
 * imported with importOnnx, the tiny-ssd shapes data set as training batches, and a Trainer on whatever
 * backend `compile` is given (onnxruntime-node or onnxruntime-web). Imports no Node built-ins.
 */

import {
  type BackendCompile,
  type CompileOptions,
  createTrainer,
  defaultBoxes,
  type HostTensor,
  type ModelGraph,
  multiboxTrainingLoss,
  type Trainer,
} from '@lossgraph/core';
import { exportInferenceModel, importOnnx } from '@lossgraph/onnx';
import { IMAGE_SIZE, TINY_SSD } from '@lossgraph-examples/tiny-ssd/config';
import { type ShapesImage, shapesDataset, toBatch } from '@lossgraph-examples/tiny-ssd/dataset';

/** The batch the detector was exported with (torch.onnx.export fixes it: tools/reference/export_example_detector.py). */
export const BATCH_SIZE = 8;

/** One training batch: the step's inputs (`images` [8, 1, 32, 32], `dbox_list`, `targets`, `num_objs`). */
export interface TrainingBatch {
  readonly images: readonly ShapesImage[];
  readonly feeds: Record<'images' | 'dbox_list' | 'targets' | 'num_objs', HostTensor>;
}

/** The default boxes (cx, cy, w, h) of examples/tiny-ssd, in the order the detector's heads emit them. */
export function priorBoxes(): HostTensor {
  const data = defaultBoxes(TINY_SSD);
  return { dtype: 'float32', shape: [data.length / 4, 4], data };
}

/** `count` images of the shapes data set (seeded) cut into batches of BATCH_SIZE (NCHW; one channel). */
export function trainingBatches(count: number, seed: number): TrainingBatch[] {
  const dbox_list = priorBoxes();
  const all = shapesDataset(count, seed);
  const batches: TrainingBatch[] = [];
  for (let i = 0; i + BATCH_SIZE <= all.length; i += BATCH_SIZE) {
    const images = all.slice(i, i + BATCH_SIZE);
    const { pixels, targets, num_objs } = toBatch(images);
    // [B, H, W, 1] and [B, 1, H, W] are the same bytes with one channel
    const nchw: HostTensor = { ...pixels, shape: [BATCH_SIZE, 1, IMAGE_SIZE, IMAGE_SIZE] };
    batches.push({ images, feeds: { images: nchw, dbox_list, targets, num_objs } });
  }
  return batches;
}

export interface FineTuneOptions {
  /** the ONNX bytes of model/detector.onnx */
  readonly onnx: Uint8Array;
  readonly compile: BackendCompile;
  readonly compileOptions?: CompileOptions;
  /** Adam's learning rate (default 0.01) */
  readonly learningRate?: number;
}

export interface FineTuning {
  readonly model: ModelGraph;
  readonly trainer: Trainer;
  /** the trained model as a standalone ONNX model for plain onnxruntime */
  exportModel(): Uint8Array;
}

/** Imports the detector and compiles its training step (MultiBoxLoss, Adam) with the backend's compile. */
export async function createFineTuning(options: FineTuneOptions): Promise<FineTuning> {
  const model = importOnnx(options.onnx);
  const trainer = await createTrainer({
    model,
    loss: multiboxTrainingLoss(),
    optimizer: { type: 'adam', lr: options.learningRate ?? 0.01 },
    compile: options.compile,
    ...(options.compileOptions === undefined ? {} : { compileOptions: options.compileOptions }),
  });
  return { model, trainer, exportModel: () => exportInferenceModel(model, trainer.state()) };
}
