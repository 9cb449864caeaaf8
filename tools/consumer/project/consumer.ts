// A TypeScript consumer of the installed packages: type-checked (tsc --noEmit, skipLibCheck false) under
// module nodenext and under moduleResolution bundler.
import {
  type CompiledLoss,
  compileReference,
  defaultBoxes,
  type Feeds,
  type HostTensor,
  LossGraphError,
  multiboxLossProgram,
  packTargets,
  SSD300,
} from '@lossgraph/core';
import { TOLERANCE } from '@lossgraph/core/testing';
import { toOnnxModel } from '@lossgraph/onnx';
import { compile as compileOrtNode, type OnnxRuntimeNodeOptions } from '@lossgraph/onnxruntime-node';
import { compile as compileOrtWeb, type OnnxRuntimeWebOptions } from '@lossgraph/onnxruntime-web';
import { compile as compileTfjs, type TfjsCompiledLoss } from '@lossgraph/tfjs';
import * as tf from '@tensorflow/tfjs-core';

const program = multiboxLossProgram({ jaccardThresh: 0.5, negPos: 3, variances: [0.1, 0.2], outputs: ['num_pos'] });
const { targets, num_objs } = packTargets([[[0.1, 0.2, 0.4, 0.6, 11]], []]);
const P = 8732;
const feeds: Feeds = {
  loc_data: { dtype: 'float32', shape: [2, P, 4], data: new Float32Array(2 * P * 4) },
  conf_data: { dtype: 'float32', shape: [2, P, 21], data: new Float32Array(2 * P * 21) },
  dbox_list: { dtype: 'float32', shape: [P, 4], data: defaultBoxes(SSD300) },
  targets,
  num_objs,
};

export async function everyBackend(): Promise<number[]> {
  const nodeOptions: OnnxRuntimeNodeOptions = { executionProviders: ['cpu'], intraOpNumThreads: 2 };
  const webOptions: OnnxRuntimeWebOptions = { executionProviders: ['wasm'], numThreads: 2 };
  const losses: CompiledLoss[] = [
    compileReference(program),
    await compileOrtNode(program, nodeOptions),
    await compileOrtWeb(program, webOptions),
  ];
  const tfjs: TfjsCompiledLoss = await compileTfjs(multiboxLossProgram({ gradients: false }), { backend: 'cpu' });
  const scalars: tf.Scalar = tfjs.apply({
    loc_data: tf.zeros([2, P, 4]),
    conf_data: tf.zeros([2, P, 21]),
    dbox_list: tf.tensor2d(defaultBoxes(SSD300), [P, 4]),
    targets: tf.tensor(targets.data as Float32Array, [...targets.shape]),
    num_objs: tf.tensor(num_objs.data as Int32Array, [2], 'int32'),
  }).loss_l!;
  const values: number[] = [];
  for (const loss of losses) {
    const out = await loss.run(feeds);
    const lossL: HostTensor = out.loss_l!;
    values.push(lossL.data[0]!);
    await loss.dispose();
  }
  values.push((await scalars.data())[0]!);
  return values;
}

export function errors(e: unknown): string {
  return LossGraphError.isInstance(e) ? `${e.code}: ${e.message}` : String(e);
}

export const model: Uint8Array = toOnnxModel(program.graph);
export const lossTolerance: number = TOLERANCE.LOSS_REL;
