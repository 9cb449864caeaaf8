import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileReference,
  LossGraphError,
  parseSafetensors,
  readFixture,
  type SafetensorsTensor,
  writeSafetensors,
} from '../src/index.js';
import { readTrainingFixture } from '../src/io/training-fixture.js';
import { loadOptimReference } from '../src/testing/optim-reference.js';
import { repoFixturesDir, trainingSampleFixturePath } from '../src/testing/paths.js';
import { runTrainingFixture } from '../src/testing/training-fixture.js';

const ref = await loadOptimReference();

function error(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return LossGraphError.isInstance(e) ? `${e.code}: ${e.message}` : `other: ${String(e)}`;
  }
  return 'none';
}

/**
 * The reference file's sgd_momentum case as a training-step fixture (docs/FIXTURES.md names): the tiny
 * detector stands in for the ONNX model (model_onnx holds placeholder bytes; the importer given to the
 * runner returns the tiny detector).
 */
function tinyFixture(drop: string[] = [], edit: Record<string, SafetensorsTensor> = {}): Uint8Array {
  const c = 'sgd_momentum';
  const tensors: Record<string, SafetensorsTensor> = {
    model_onnx: { dtype: 'U8', shape: [4], data: Uint8Array.of(1, 2, 3, 4) },
  };
  for (const n of ['images', 'dbox_list', 'targets', 'num_objs']) tensors[n] = ref.tensor(n);
  for (let k = 0; k < ref.steps; k++)
    for (const t of ['loss_l', 'loss_c']) tensors[`${t}_step${k}`] = ref.tensor(`${c}/${t}_step${k}`);
  for (const p of ref.model.parameters) {
    tensors[`grad/${p.name}`] = ref.tensor(`grad/${p.name}`);
    tensors[`param/${p.name}`] = ref.tensor(`${c}/param/${p.name}`);
  }
  for (const s of ref.model.state) tensors[`state/${s.name}`] = ref.tensor(`${c}/state/${s.name}`);
  for (const o of ['loc_data', 'conf_data']) tensors[`eval_${o}`] = ref.tensor(`${c}/eval/${o}`);
  for (const n of drop) delete tensors[n];
  const options = ref.cases.find((x) => x.name === c)!.optimizer as unknown as Record<string, number>;
  return writeSafetensors(
    { ...tensors, ...edit },
    {
      loss: 'multibox',
      optimizer: 'sgd',
      lr: String(options.lr),
      momentum: String(options.momentum),
      dampening: String(options.dampening),
      weight_decay: String(options.weightDecay),
      nesterov: 'false',
      steps: String(ref.steps),
      outputs: 'loc_data,conf_data',
      // float64 against float64: only the F32 storage of the expected tensors
      loss_tolerance: '1e-9',
      grad_tolerance: '2e-7',
      param_tolerance: '2e-7',
      state_tolerance: '2e-7',
      eval_tolerance: '2e-7',
    },
  );
}

describe('training-step fixtures', () => {
  it('runs a fixture: import, steps fed back, eval, every value within its tolerance', async () => {
    const fx = readTrainingFixture(tinyFixture(), 'tiny');
    expect(fx.optimizer).toEqual({
      type: 'sgd',
      lr: 0.05,
      momentum: 0.9,
      dampening: 0.1,
      weightDecay: 5e-4,
      nesterov: false,
    });
    const result = await runTrainingFixture(compileReference, fx, () => ref.model);
    expect(result.failures).toEqual([]);
    expect(result.losses).toHaveLength(3);
    for (const q of ['loss', 'grad', 'param', 'state', 'eval'] as const) expect(result.worst[q]).toBeLessThanOrEqual(1);
  });

  it('fails a backend whose numbers differ, naming the tensor', async () => {
    const param = ref.tensor('sgd_momentum/param/loc.bias');
    const moved = Float32Array.from(param.data as Float32Array);
    moved[3]! += 1e-3;
    const fx = readTrainingFixture(tinyFixture([], { 'param/loc.bias': { ...param, data: moved } }), 'tiny');
    const result = await runTrainingFixture(compileReference, fx, () => ref.model);
    expect(result.pass).toBe(false);
    expect(result.failures).toEqual([expect.stringMatching(/^param\/loc\.bias: error 1\.000e-3 above/)]);
  });

  it('names the file and the tensor that is missing or malformed', async () => {
    expect(error(() => readTrainingFixture(tinyFixture(['loss_c_step2']), 'tiny'))).toBe(
      "INVALID_FIXTURE: tiny: tensor 'loss_c_step2' is missing",
    );
    expect(error(() => readTrainingFixture(tinyFixture(['param/bn.bias']), 'tiny'))).toBe(
      "INVALID_FIXTURE: tiny: tensor 'param/bn.bias' is missing (the file has grad/bn.bias)",
    );
    expect(error(() => readTrainingFixture(tinyFixture(['eval_conf_data']), 'tiny'))).toMatch(
      /tensor 'eval_conf_data' is missing/,
    );
    const images = ref.tensor('images');
    expect(
      error(() => readTrainingFixture(tinyFixture([], { images: { ...images, shape: [4, 48] } }), 'tiny')),
    ).toMatch(/^INVALID_FIXTURE: tiny: tensor 'images' has shape \[4,48\], expected rank 4/);
    // the default boxes as the MultiBoxLoss's tensor table shapes them, [P,4]
    const dbox = ref.tensor('dbox_list');
    const [P = 0] = dbox.shape;
    expect(
      error(() => readTrainingFixture(tinyFixture([], { dbox_list: { ...dbox, shape: [2 * P, 2] } }), 'tiny')),
    ).toBe(`INVALID_FIXTURE: tiny: tensor 'dbox_list' has shape [${2 * P},2], expected [P,4]`);
    expect(error(() => readFixture(tinyFixture(), 'tiny'))).toBe(
      'INVALID_FIXTURE: tiny: a training-step fixture (it holds model_onnx); read it with readTrainingFixture',
    );
    const fx = readTrainingFixture(tinyFixture(['state/bn.running_var']), 'tiny');
    await expect(runTrainingFixture(compileReference, fx, () => ref.model)).rejects.toThrow(
      "tiny: tensor 'state/bn.running_var' is missing (a model running stat)",
    );
  });

  it.runIf(existsSync(trainingSampleFixturePath()))('reads the independent sample', async () => {
    const fx = readTrainingFixture(new Uint8Array(await readFile(trainingSampleFixturePath())), 'sample');
    expect(fx.loss).toBe('multibox');
    expect(fx.optimizer).toEqual({
      type: 'sgd',
      lr: 0.01,
      momentum: 0.9,
      dampening: 0,
      weightDecay: 5e-4,
      nesterov: false,
    });
    expect(fx.lossOptions).toEqual({ jaccardThresh: 0.5, negPos: 3, variances: [0.1, 0.2], profile: 'seed' });
    expect(fx.steps).toBe(3);
    expect(fx.outputs).toEqual(['loc_data', 'conf_data']);
    expect(fx.batch.images!.shape).toEqual([2, 3, 64, 64]);
    expect(fx.batch.dbox_list!.shape).toEqual([352, 4]);
    expect(fx.expected.params.size).toBe(19);
    expect(fx.expected.state.size).toBe(6);
    expect(fx.expected.losses.loss_l).toHaveLength(3);
    expect(fx.modelOnnx.length).toBe(79652);
    expect(fx.tolerances).toEqual({ loss: 1e-4, grad: 1e-4, param: 1e-4, state: 1e-4, eval: 1e-4 });
  });
});

const yolo = 'train_yolov8_tiny_sgd_nesterov';
const yoloBytes = new Uint8Array(await readFile(join(repoFixturesDir(), `${yolo}.safetensors`)));

describe('a training-step fixture of a loss with two non-model inputs (yolov8: anchor_points, stride_tensor)', () => {
  const name = yolo;
  const bytes = yoloBytes;
  const file = parseSafetensors(bytes, name);
  /** the fixture with `tensor` replaced (or left out where `t` is undefined) */
  const edited = (tensor: string, t?: SafetensorsTensor): Uint8Array =>
    writeSafetensors(
      Object.fromEntries([...file.tensors].filter(([n]) => n !== tensor).concat(t ? [[tensor, t]] : [])),
      file.metadata,
    );

  it('reads both into the batch, with the loss options and terms of the entry', () => {
    const fx = readTrainingFixture(bytes, name);
    expect(fx.loss).toBe('yolov8');
    expect(fx.terms).toEqual(['loss_box', 'loss_cls', 'loss_dfl']);
    expect(Object.keys(fx.batch).sort()).toEqual(['anchor_points', 'images', 'num_objs', 'stride_tensor', 'targets']);
    expect(fx.batch.anchor_points!.shape).toEqual([84, 2]);
    expect(fx.batch.stride_tensor!.shape).toEqual([84, 1]);
    expect(fx.lossOptions).toEqual({
      regMax: 8,
      topk: 10,
      alpha: 0.5,
      beta: 6,
      boxGain: 7.5,
      clsGain: 0.5,
      dflGain: 1.5,
    });
    expect(fx.outputs).toEqual(['pred_distri', 'pred_scores']);
  });

  it('names a missing one, and one whose shape disagrees with the tensor table or the other', () => {
    expect(error(() => readTrainingFixture(edited('stride_tensor'), name))).toBe(
      `INVALID_FIXTURE: ${name}: tensor 'stride_tensor' is missing`,
    );
    const stride = file.tensors.get('stride_tensor')!;
    expect(error(() => readTrainingFixture(edited('stride_tensor', { ...stride, shape: [42, 2] }), name))).toBe(
      `INVALID_FIXTURE: ${name}: tensor 'stride_tensor' has shape [42,2], expected [A,1]`,
    );
    const cut = { ...stride, shape: [80, 1], data: (stride.data as Float32Array).slice(0, 80) };
    expect(error(() => readTrainingFixture(edited('stride_tensor', cut), name))).toBe(
      `INVALID_FIXTURE: ${name}: tensor 'stride_tensor' has shape [80,1], expected [A,1]`,
    );
  });
});
