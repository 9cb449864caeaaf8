import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type HostTensor, makeOptimizer, type TrainingFixture } from '@lossgraph/core';
import {
  compareWithFixture,
  loadFixture,
  loadMultiboxFixture,
  loadTrainingFixture,
  repoFixturesDir,
} from '@lossgraph/core/testing';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { decodeModel } from './decode.js';

const run = promisify(execFile);
const PKG = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(PKG, 'src', 'cli.ts');

/** Runs the `lossgraph` CLI from its sources, as `pnpm export` does (tsx, `source` condition). */
function lossgraph(...args: string[]) {
  return run(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { cwd: PKG });
}

/** Runs a model file with onnxruntime-node alone (no lossgraph code) on a fixture's inputs. */
async function runBare(modelPath: string, inputs: Record<string, HostTensor>) {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs))
      feeds[name] = new ort.Tensor(t.dtype as 'float32' | 'int32', t.data as Float32Array | Int32Array, t.shape);
    const results = await session.run(feeds);
    const out: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(results))
      out[name] = {
        dtype: t.type === 'int32' ? 'int32' : 'float32',
        shape: t.dims,
        data: t.data as Float32Array | Int32Array,
      };
    return out;
  } finally {
    await session.release();
  }
}

describe('lossgraph export', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lossgraph-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a model that bare onnxruntime-node runs to a committed fixture (symbolic C)', async () => {
    const out = join(dir, 'loss.onnx');
    const { stdout } = await lossgraph('export', '--out', out, '--outputs', 'num_pos,conf_t_label,loc_t');
    expect(stdout).toContain(`wrote ${out}`);
    const fx = await loadMultiboxFixture(join(repoFixturesDir(), 'ssd300_random_b2_c21.safetensors'));
    const got = await runBare(out, fx.inputs);
    expect(Object.keys(got).sort()).toEqual([
      'conf_t_label',
      'grad_conf',
      'grad_loc',
      'loc_t',
      'loss_c',
      'loss_l',
      'num_pos',
    ]);
    const cmp = compareWithFixture(got, fx);
    expect(cmp.failures).toEqual([]);
  });

  it('fixes C with --num-classes and takes the loss options (custom_options fixture)', async () => {
    const fx = await loadMultiboxFixture(join(repoFixturesDir(), 'custom_options.safetensors'));
    const out = join(dir, 'custom.onnx');
    const { jaccardThresh, negPos, variances } = fx.options;
    const c = fx.inputs.conf_data.shape[2]!;
    await lossgraph(
      'export',
      '--out',
      out,
      '--num-classes',
      String(c),
      '--jaccard-thresh',
      String(jaccardThresh),
      '--neg-pos',
      String(negPos),
      '--variances',
      variances.join(','),
    );
    const model = decodeModel(await readFile(out));
    const confDims = model.graph.input.find((i) => i.name === 'conf_data')!.type.tensorType.shape.dim;
    expect(confDims[2]!.dimValue).toBe(c);
    expect(compareWithFixture(await runBare(out, fx.inputs), fx).failures).toEqual([]);
  });

  it('--loss retinanet with its options writes the RetinaNet loss (retinanet_custom_options fixture, C fixed)', async () => {
    const fx = await loadFixture(join(repoFixturesDir(), 'retinanet_custom_options.safetensors'));
    if (fx.loss !== 'retinanet') throw new Error('not a retinanet fixture');
    const o = fx.options;
    const out = join(dir, 'retinanet.onnx');
    const c = fx.inputs.cls_logits.shape[2]!;
    const { stdout } = await lossgraph(
      'export',
      '--out',
      out,
      '--loss',
      'retinanet',
      '--num-classes',
      String(c),
      '--box-loss',
      o.boxLoss,
      '--fg-iou-thresh',
      String(o.fgIouThresh),
      '--bg-iou-thresh',
      String(o.bgIouThresh),
      '--focal-alpha',
      String(o.focalAlpha),
      '--focal-gamma',
      String(o.focalGamma),
      '--outputs',
      'matched_idxs',
    );
    expect(stdout).toContain('RetinaNet loss, C 5');
    const got = await runBare(out, fx.inputs);
    expect(Object.keys(got).sort()).toEqual([
      'grad_bbox_regression',
      'grad_cls_logits',
      'loss_box',
      'loss_cls',
      'matched_idxs',
    ]);
    expect(compareWithFixture(got, fx).failures).toEqual([]);
  });

  it('--loss retinanet --box-loss ciou --normalize none: the undivided sums and the normaliser (retinanet_ciou fixture)', async () => {
    const fx = await loadFixture(join(repoFixturesDir(), 'retinanet_ciou.safetensors'));
    if (fx.loss !== 'retinanet') throw new Error('not a retinanet fixture');
    const out = join(dir, 'ciou.onnx');
    await lossgraph('export', '--out', out, '--loss', 'retinanet', '--box-loss', 'ciou', '--normalize', 'none');
    const got = await runBare(out, fx.inputs);
    const images = fx.inputs.cls_logits.shape[0]!;
    expect(got.normalizer!.data[0]).toBe(images);
    const mean = {
      ...got,
      loss_cls: { ...got.loss_cls!, data: Float32Array.of(got.loss_cls!.data[0]! / images) },
      loss_box: { ...got.loss_box!, data: Float32Array.of(got.loss_box!.data[0]! / images) },
    };
    const grads = Object.fromEntries(
      ['grad_cls_logits', 'grad_bbox_regression'].map((n) => [
        n,
        { ...got[n]!, data: (got[n]!.data as Float32Array).map((v) => v / images) },
      ]),
    );
    expect(compareWithFixture({ ...mean, ...grads }, fx).failures).toEqual([]);
  });

  it('--loss yolov8 (a registry entry) writes the YOLOv8 loss; onnxruntime-node alone reproduces a fixture', async () => {
    const fx = await loadFixture(join(repoFixturesDir(), 'yolov8_custom_options.safetensors'));
    if (fx.loss !== 'yolov8') throw new Error('not a yolov8 fixture');
    const o = fx.options;
    const out = join(dir, 'yolov8.onnx');
    const flags = { 'reg-max': o.regMax, 'tal-topk': o.topk, 'tal-alpha': o.alpha, 'tal-beta': o.beta };
    const gains = { 'box-gain': o.boxGain, 'cls-gain': o.clsGain, 'dfl-gain': o.dflGain };
    const args = Object.entries({ ...flags, ...gains }).flatMap(([k, v]) => [`--${k}`, String(v)]);
    const { stdout } = await lossgraph('export', '--out', out, '--loss', 'yolov8', ...args, '--outputs', 'fg_mask');
    expect(stdout).toContain('YOLOv8 loss, C symbolic');
    const got = await runBare(out, fx.inputs);
    expect(Object.keys(got).sort()).toEqual([
      'fg_mask',
      'grad_pred_distri',
      'grad_pred_scores',
      'loss_box',
      'loss_cls',
      'loss_dfl',
    ]);
    expect(compareWithFixture(got, fx).failures).toEqual([]);
  });

  it('refuses a yolov8 flag on another loss', async () => {
    await expect(lossgraph('export', '--out', join(dir, 'x.onnx'), '--reg-max', '8')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--reg-max does not apply to --loss multibox'),
    });
  });

  it("refuses the other loss's flags", async () => {
    await expect(
      lossgraph('export', '--out', join(dir, 'x.onnx'), '--loss', 'retinanet', '--neg-pos', '3'),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--neg-pos does not apply to --loss retinanet'),
    });
    await expect(lossgraph('export', '--out', join(dir, 'x.onnx'), '--box-loss', 'giou')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--box-loss does not apply to --loss multibox'),
    });
  });

  it('--no-gradients leaves the gradient outputs out', async () => {
    const out = join(dir, 'forward.onnx');
    await lossgraph('export', '--out', out, '--no-gradients');
    const model = decodeModel(await readFile(out));
    expect(model.graph.output.map((o) => o.name)).toEqual(['loss_l', 'loss_c']);
  });

  it('--help and a bare `lossgraph` print the usage on stdout; --version prints the package version', async () => {
    for (const args of [[], ['--help'], ['-h']]) {
      const { stdout, stderr } = await lossgraph(...args);
      expect(stdout).toMatch(/^usage: lossgraph <command>/);
      expect(stdout).toContain('export');
      expect(stderr).toBe('');
    }
    const { version } = JSON.parse(await readFile(join(PKG, 'package.json'), 'utf8'));
    expect((await lossgraph('--version')).stdout.trim()).toBe(version);
    expect((await lossgraph('-v')).stdout.trim()).toBe(version);
    expect((await lossgraph('export', '--help')).stdout).toMatch(/^usage: lossgraph export --out FILE/);
  });

  it('an unknown command or flag prints the usage on stderr and exits 2', async () => {
    await expect(lossgraph('frobnicate')).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/unknown command 'frobnicate'[\s\S]*usage: lossgraph/),
    });
    await expect(lossgraph('--frobnicate')).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/--frobnicate[\s\S]*usage: lossgraph/),
    });
  });

  it('fails with a usage message on a bad option', async () => {
    await expect(lossgraph('export', '--out', join(dir, 'x.onnx'), '--neg-pos', 'many')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--neg-pos needs a number'),
    });
  });

  it("--model writes a training step; one step in bare onnxruntime-node gives the fixture's step-0 losses", async () => {
    const fx = await loadTrainingFixture(join(repoFixturesDir(), 'train_vgg_bn_empty_image_sgd.safetensors'));
    const m = fx.metadata;
    const modelPath = join(dir, 'model.onnx');
    await writeFile(modelPath, fx.modelOnnx);
    const out = join(dir, 'step.onnx');
    const { stdout } = await lossgraph(
      'export',
      ...['--model', modelPath, '--out', out, '--loss', 'multibox', '--profile', `${m.profile}`],
      ...['--jaccard-thresh', `${m.jaccard_thresh}`, '--neg-pos', `${m.neg_pos}`, '--variances', `${m.variance}`],
      ...[
        '--optimizer',
        'sgd',
        '--lr',
        `${m.lr}`,
        '--momentum',
        `${m.momentum}`,
        '--weight-decay',
        `${m.weight_decay}`,
      ],
    );
    expect(stdout).toContain(`wrote ${out}`);
    await expectStepZeroLosses(fx, out);
  });

  it("--model --loss yolov8: the training step of a YOLO-style detector, its step-0 losses PyTorch's", async () => {
    const fx = await loadTrainingFixture(join(repoFixturesDir(), 'train_yolov8_tiny_sgd_nesterov.safetensors'));
    const m = fx.metadata;
    const modelPath = join(dir, 'yolo.onnx');
    await writeFile(modelPath, fx.modelOnnx);
    const out = join(dir, 'yolo-step.onnx');
    const { stdout } = await lossgraph(
      'export',
      ...['--model', modelPath, '--out', out, '--loss', 'yolov8', '--reg-max', `${m.reg_max}`],
      ...['--optimizer', 'sgd', '--lr', `${m.lr}`, '--momentum', `${m.momentum}`, '--nesterov'],
      ...['--weight-decay', `${m.weight_decay}`],
    );
    expect(stdout).toContain('inputs: 5 batch (images, anchor_points, stride_tensor, targets, num_objs)');
    await expectStepZeroLosses(fx, out);
  });
});

/**
 * Runs the training step written to `out` once in bare onnxruntime-node on the fixture's batch and initial
 * state, and checks the fixture's step-0 loss terms.
 */
async function expectStepZeroLosses(fx: TrainingFixture, out: string): Promise<void> {
  // the feeds by the documented names: the batch, <p> and <s> from the model's initializers, the
  // optimizer slots <p>.momentum_buffer zero, the step scalars of step 1 as the trainer computes them
  const model = importOnnx(fx.modelOnnx);
  const f32 = (t: { shape: readonly number[]; data: ArrayLike<number> }): HostTensor => ({
    dtype: 'float32',
    shape: [...t.shape],
    data: Float32Array.from(t.data),
  });
  const feeds: Record<string, HostTensor> = { ...fx.batch };
  for (const t of [...model.parameters, ...model.state]) feeds[t.name] = f32(t);
  for (const p of model.parameters)
    feeds[`${p.name}.momentum_buffer`] = f32({ shape: p.shape, data: new Float32Array(p.data.length) });
  for (const [name, t] of Object.entries(makeOptimizer(fx.optimizer).stepScalars(1))) feeds[name] = f32(t);
  const got = await runBare(out, feeds);
  for (const p of model.parameters) expect(got[`${p.name}.next`]?.shape).toEqual(p.shape);
  for (const term of fx.terms) {
    const want = fx.expected.losses[term]?.[0] ?? Number.NaN;
    const value = got[term]?.data[0] ?? Number.NaN;
    expect(Math.abs(value - want)).toBeLessThanOrEqual(fx.tolerances.loss * Math.max(1, Math.abs(want)));
  }
}
