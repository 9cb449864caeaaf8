import { existsSync } from 'node:fs';
import {
  appendGradients,
  GraphBuilder,
  multiboxLossProgram,
  RETINANET_BOX_LOSSES,
  retinanetLossProgram,
  yolov8LossProgram,
} from '@lossgraph/core';
import {
  caseGraphs,
  fixtureName,
  listTrainingFixtureFiles,
  loadTrainingFixture,
  OP_CASES,
  repoFixturesDir,
  trainingFixtureGraphs,
  trainingSampleFixturePath,
} from '@lossgraph/core/testing';
import { importOnnx, type OnnxOpUse, onnxOpsUsed } from '@lossgraph/onnx';
import { describe, expect, it } from 'vitest';
import { kernelGap, loadCudaKernelTable } from './cuda-kernels.js';

const table = loadCudaKernelTable();

// every committed training-step fixture, and the independent sample where the checkout has it beside it
const trainingFixtures = [
  ...(await listTrainingFixtureFiles(repoFixturesDir())),
  ...(existsSync(trainingSampleFixturePath()) ? [trainingSampleFixturePath()] : []),
].map((file) => [fixtureName(file), file] as const);

describe('CUDA execution provider coverage (onnxruntime 1.30 kernel table)', () => {
  it('has a CUDA kernel for every (op, opset, input types) of the MultiBoxLoss model with gradients', () => {
    const graph = multiboxLossProgram({ gradients: true, outputs: ['num_pos', 'conf_t_label', 'loc_t'] }).graph;
    const uses = onnxOpsUsed(graph);
    expect(uses.length).toBeGreaterThan(20);
    const gaps = uses.map((u) => kernelGap(table, u)).filter((g) => g !== undefined);
    expect(gaps).toEqual([]);
  });

  it('has a CUDA kernel for every node of the RetinaNet loss (every box loss) and the torchvision MultiBoxLoss profile', () => {
    const graphs = [
      ...RETINANET_BOX_LOSSES.map(
        (boxLoss) => retinanetLossProgram({ boxLoss, outputs: ['matched_idxs', 'num_foreground'] }).graph,
      ),
      retinanetLossProgram({ normalize: 'none', focalAlpha: -1, focalGamma: 0 }).graph,
      multiboxLossProgram({ profile: 'torchvision', normalize: 'none' }).graph,
    ];
    for (const graph of graphs) {
      const uses = onnxOpsUsed(graph);
      expect(uses.length).toBeGreaterThan(20);
      expect(uses.map((u) => kernelGap(table, u)).filter((g) => g !== undefined)).toEqual([]);
    }
  });

  it('has a CUDA kernel for every node of each loss with its diagnostics on (default and cuda model forms)', () => {
    const graphs = [
      multiboxLossProgram({ diagnostics: true }).graph,
      multiboxLossProgram({ profile: 'torchvision', diagnostics: true }).graph,
      retinanetLossProgram({ boxLoss: 'giou', diagnostics: true }).graph,
      yolov8LossProgram({ diagnostics: true }).graph,
    ];
    for (const graph of graphs) {
      for (const provider of [undefined, 'cuda'] as const) {
        const uses = onnxOpsUsed(graph, provider === undefined ? {} : { provider });
        expect(uses.length).toBeGreaterThan(20);
        expect(uses.map((u) => kernelGap(table, u)).filter((g) => g !== undefined)).toEqual([]);
      }
    }
  });

  it('covers the activations and matMul of a network, with their gradients', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 4]);
    const w = b.input('w', 'float32', [4, 3]);
    const y = x.relu().add(x.clip(0, 6)).add(x.leakyRelu(0.1)).add(x.sigmoid()).add(x.tanh());
    b.output('loss', y.add(x.hardSigmoid(0.2, 0.5)).add(x.hardSwish()).matMul(w).sum());
    const graph = appendGradients(b.build(), { of: ['loss'], wrt: { x: 'grad_x', w: 'grad_w' } });
    const gaps = onnxOpsUsed(graph)
      .map((u) => kernelGap(table, u))
      .filter((g) => g !== undefined);
    expect(gaps).toEqual([]);
  });

  it('also covers the int32 argMax and bool where lowerings written for CUDA', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'int32', ['N', 5]);
    const c = b.input('c', 'bool', ['N', 5]);
    b.output('i', x.argMax(1));
    b.output('w', b.where(c, c.not(), c));
    const gaps = onnxOpsUsed(b.build())
      .map((u) => kernelGap(table, u))
      .filter((g) => g !== undefined);
    expect(gaps).toEqual([]);
  });

  it('covers the convolutions, pools and nearest resize, forward and backward (their op conformance cases)', () => {
    const ops = new Set([
      'conv2d',
      'conv2dBackpropInput',
      'conv2dBackpropFilter',
      'convTranspose2d',
      'maxPool2d',
      'maxPool2dGrad',
      'avgPool2d',
      'avgPool2dGrad',
      'resizeNearest',
    ]);
    const cases = OP_CASES.filter((c) => ops.has(c.op));
    expect(cases.length).toBeGreaterThan(15);
    const emitted = new Set<string>();
    for (const c of cases) {
      const { forward, backward } = caseGraphs(c);
      for (const graph of backward === undefined ? [forward] : [forward, backward]) {
        const uses = onnxOpsUsed(graph);
        for (const u of uses) emitted.add(u.opType);
        expect(uses.map((u) => kernelGap(table, u)).filter((g) => g !== undefined)).toEqual([]);
      }
    }
    expect([...emitted]).toEqual(expect.arrayContaining(['Conv', 'ConvTranspose', 'MaxPool', 'Resize']));
  });

  it.each(trainingFixtures)(
    'has a CUDA kernel, standard ONNX domain, for every node of the training step and eval model of %s',
    async (_name, file) => {
      const fx = await loadTrainingFixture(file);
      const graphs = trainingFixtureGraphs(fx, await importOnnx(fx.modelOnnx));
      for (const [name, graph] of Object.entries(graphs)) {
        const uses = onnxOpsUsed(graph, { provider: 'cuda' });
        expect(uses.length, name).toBeGreaterThan(name === 'step' ? 30 : 5);
        expect(
          uses.filter((u) => u.domain !== '').map((u) => `${u.domain}.${u.opType}`),
          name,
        ).toEqual([]);
        expect(
          uses.map((u) => kernelGap(table, u)).filter((g) => g !== undefined),
          name,
        ).toEqual([]);
      }
    },
  );

  it('reports the known gaps, so the check is not vacuous', () => {
    const use = (opType: string, inputTypes: OnnxOpUse['inputTypes'], opset = 18): OnnxOpUse => ({
      opType,
      domain: '',
      opset,
      inputTypes,
      outputTypes: [],
    });
    expect(kernelGap(table, use('ArgMax', ['int32']))).toMatch(/no such input types/);
    expect(kernelGap(table, use('Where', ['bool', 'bool', 'bool']))).toMatch(/no such input types/);
    expect(kernelGap(table, use('OneHot', ['int32', 'int64', 'float32']))).toMatch(/no such input types/);
    // an open range registered at 13 does not serve ScatterElements' opset-18 schema; the [13, 15] range does not either
    expect(
      kernelGap(
        { ...table, kernels: { ScatterElements: [{ from: 13, to: null, inputs: {} }] } },
        use('ScatterElements', ['float32', 'int32', 'float32']),
      ),
    ).toMatch(/no CUDAExecutionProvider kernel/);
    expect(kernelGap(table, use('ScatterElements', ['float32', 'int32', 'float32']))).toBeUndefined();
  });
});
