/**
 * Where onnxruntime-node-cpu spends a training step of a `bench perf --train` problem, by ONNX op type and
 * node, from onnxruntime's own profiler (profile/ort-profile.ts):
 *
 *   pnpm exec tsx --conditions=source apps/bench/scripts/profile-train-step.ts FILE [--runs 3] [--nodes 15]
 *
 * FILE is a problem file (training-step fixture format), such as $TMPDIR/lossgraph-perf-train/ssdlite320_b8.safetensors
 * written by `bench perf --train`. The step's feeds are the trainer's first step: initial state, the batch,
 * the step scalars.
 */
import { parseArgs } from 'node:util';
import { type Feeds, trainingStepProgram } from '@lossgraph/core';
import { loadTrainingFixture, trainingFixtureLoss } from '@lossgraph/core/testing';
import { importOnnx } from '@lossgraph/onnx';
import { profileOnnxruntimeNode } from '../src/profile/ort-profile.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string' }, nodes: { type: 'string' } },
});
const [file] = positionals;
if (file === undefined) throw new Error('usage: profile-train-step.ts FILE [--runs 3] [--nodes 15]');
const fx = await loadTrainingFixture(file);
const program = trainingStepProgram({
  model: importOnnx(fx.modelOnnx),
  loss: trainingFixtureLoss(fx),
  optimizer: fx.optimizer,
});
const batch = Object.fromEntries(program.batchInputs.flatMap((n) => (fx.batch[n] ? [[n, fx.batch[n]]] : [])));
const all: Feeds = { ...batch, ...program.initialState(), ...program.optimizer.stepScalars(1, fx.optimizer.lr) };
// onnxruntime wants each tensor's own typed array (the trainer's run() narrows float64 host data the same way)
const feeds: Feeds = Object.fromEntries(
  Object.entries(all).map(([name, t]) => [
    name,
    t.dtype === 'float32' && !(t.data instanceof Float32Array) ? { ...t, data: Float32Array.from(t.data) } : t,
  ]),
);
const { wallMs, ops, nodes } = await profileOnnxruntimeNode(program.graph, feeds, Number(values.runs ?? 3));
const total = ops.reduce((a, o) => a + o.ms, 0);
const lines = [
  `${file}: wall ${wallMs.toFixed(1)} ms per step, kernels ${total.toFixed(1)} ms`,
  'op type                  nodes   ms/step  share',
  ...ops.map(
    (o) =>
      `${o.opType.padEnd(24)} ${String(o.nodes).padStart(5)}  ${o.ms.toFixed(1).padStart(8)}  ${((100 * o.ms) / total).toFixed(1).padStart(5)}%`,
  ),
  '',
  'node                                      op type          ms/step  shapes',
  ...nodes
    .slice(0, Number(values.nodes ?? 15))
    .map((n) => `${n.node.slice(0, 40).padEnd(41)} ${n.opType.padEnd(16)} ${n.ms.toFixed(1).padStart(7)}  ${n.shapes}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
