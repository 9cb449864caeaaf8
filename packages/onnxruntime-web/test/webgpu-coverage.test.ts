import { existsSync, readFileSync } from 'node:fs';
import {
  appendGradients,
  type Graph,
  GraphBuilder,
  multiboxLossProgram,
  RETINANET_BOX_LOSSES,
  retinanetLossProgram,
  yolov8LossProgram,
} from '@lossgraph/core';
import {
  fixtureName,
  listTrainingFixtureFiles,
  loadTrainingFixture,
  repoFixturesDir,
  trainingFixtureGraphs,
  trainingSampleFixturePath,
} from '@lossgraph/core/testing';
import { importOnnx, type KernelTable, kernelGap, onnxOpsUsed } from '@lossgraph/onnx';
import { describe, expect, it } from 'vitest';

const table = JSON.parse(
  readFileSync(new URL('../data/webgpu-kernels-1.30.json', import.meta.url), 'utf8'),
) as KernelTable;

/** Why each node kind of the model emitted for `provider` has no WebGPU kernel (empty: none falls back to the CPU). */
const gaps = (graph: Graph, provider: 'webgpu' | 'wasm') =>
  onnxOpsUsed(graph, { provider })
    .map((u) => kernelGap(table, u))
    .filter((g) => g !== undefined);

// every committed training-step fixture, and the independent sample where the checkout has it beside it
const trainingFixtures = [
  ...(await listTrainingFixtureFiles(repoFixturesDir())),
  ...(existsSync(trainingSampleFixturePath()) ? [trainingSampleFixturePath()] : []),
].map((file) => [fixtureName(file), file] as const);

const LOSSES: readonly (readonly [string, () => Graph])[] = [
  [
    'MultiBoxLoss (seed profile, gradients and every output)',
    () => multiboxLossProgram({ gradients: true, outputs: ['num_pos', 'conf_t_label', 'loc_t'] }).graph,
  ],
  [
    'MultiBoxLoss (torchvision profile)',
    () => multiboxLossProgram({ profile: 'torchvision', normalize: 'none' }).graph,
  ],
  ...RETINANET_BOX_LOSSES.map(
    (boxLoss) =>
      [
        `RetinaNet loss (${boxLoss})`,
        () => retinanetLossProgram({ boxLoss, outputs: ['matched_idxs', 'num_foreground'] }).graph,
      ] as const,
  ),
  [
    'RetinaNet loss (no normalisation, no focal terms)',
    () => retinanetLossProgram({ normalize: 'none', focalAlpha: -1, focalGamma: 0 }).graph,
  ],
  [
    'YOLOv8 loss (gradients and the assignment outputs)',
    () => yolov8LossProgram({ outputs: ['fg_mask', 'target_gt_idx'] }).graph,
  ],
  ['MultiBoxLoss (diagnostics on)', () => multiboxLossProgram({ diagnostics: true }).graph],
  [
    'MultiBoxLoss (torchvision profile, diagnostics on)',
    () => multiboxLossProgram({ profile: 'torchvision', diagnostics: true }).graph,
  ],
  ['RetinaNet loss (diagnostics on)', () => retinanetLossProgram({ diagnostics: true }).graph],
  ['YOLOv8 loss (diagnostics on)', () => yolov8LossProgram({ diagnostics: true }).graph],
];

describe('WebGPU execution provider coverage (onnxruntime-web 1.30 kernel table)', () => {
  for (const [name, graph] of LOSSES) {
    it(`has a WebGPU kernel for every node of the ${name} model emitted for webgpu`, () => {
      const g = graph();
      expect(onnxOpsUsed(g, { provider: 'webgpu' }).length).toBeGreaterThan(20);
      expect(gaps(g, 'webgpu')).toEqual([]);
    });
  }

  it.each(trainingFixtures)(
    'has a WebGPU kernel, standard ONNX domain, for every node of the training step and eval model of %s',
    async (_name, file) => {
      const fx = await loadTrainingFixture(file);
      const graphs = trainingFixtureGraphs(fx, await importOnnx(fx.modelOnnx));
      for (const [name, graph] of Object.entries(graphs)) {
        const uses = onnxOpsUsed(graph, { provider: 'webgpu' });
        expect(uses.length, name).toBeGreaterThan(name === 'step' ? 30 : 5);
        expect(
          uses.filter((u) => u.domain !== '').map((u) => `${u.domain}.${u.opType}`),
          name,
        ).toEqual([]);
        expect(gaps(graph, 'webgpu'), name).toEqual([]);
      }
    },
  );

  it('covers the activations and matMul of a network, with their gradients', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 4]);
    const w = b.input('w', 'float32', [4, 3]);
    const y = x.relu().add(x.clip(0, 6)).add(x.leakyRelu(0.1)).add(x.sigmoid()).add(x.tanh());
    b.output('loss', y.add(x.hardSigmoid(0.2, 0.5)).add(x.hardSwish()).matMul(w).sum());
    const graph = appendGradients(b.build(), { of: ['loss'], wrt: { x: 'grad_x', w: 'grad_w' } });
    expect(onnxOpsUsed(graph, { provider: 'webgpu' }).map((u) => u.opType)).toContain('Transpose');
    expect(gaps(graph, 'webgpu')).toEqual([]);
  });

  it('pads the channels of a Conv of 27 input channels on WebGPU only (the forward and the input gradient)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 27, 8, 8]);
    const w = b.input('w', 'float32', [16, 27, 3, 3]);
    const pads = { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 } as const;
    b.output('loss', x.conv2d(w, pads).sum());
    const graph = appendGradients(b.build(), { of: ['loss'], wrt: { x: 'grad_x', w: 'grad_w' } });
    const ops = (provider: 'webgpu' | 'wasm') => onnxOpsUsed(graph, { provider }).map((u) => u.opType);
    expect(ops('webgpu')).toContain('Pad');
    expect(ops('wasm')).not.toContain('Pad');
  });

  it('reports the gaps of the default (CPU) model, so the check is not vacuous', () => {
    const found = gaps(LOSSES[0]![1](), 'wasm').join('\n');
    expect(found).toMatch(/^LogSoftmax\(float32\).*no WebGpuExecutionProvider kernel/m);
    expect(found).toMatch(/^Or\(bool, bool\)/m);
    expect(found).toMatch(/^NonZero\(bool\)/m);
    expect(found).toMatch(/^Cast\(int64\).*no such input types/m);
  });
});
