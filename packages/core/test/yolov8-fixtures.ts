import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Feeds, type HostTensor, type Outputs, parseSafetensors, type Yolov8LossOptions } from '../src/index.js';
import { repoFixturesDir, TOLERANCE } from '../src/testing/index.js';

/**
 * yolov8 fixtures (FIXTURES.md, "yolov8") read straight from their safetensors files, until the shared
 * fixture reader knows the yolov8 table.
 */
export interface Yolov8Fixture {
  readonly name: string;
  readonly feeds: Feeds;
  readonly options: Yolov8LossOptions;
  readonly losses: Readonly<Record<'loss_box' | 'loss_cls' | 'loss_dfl', number>>;
  readonly grads: Readonly<Record<'grad_pred_distri' | 'grad_pred_scores', Float32Array>>;
  readonly fgMask: Int32Array;
  readonly targetGtIdx: Int32Array;
}

const INPUTS = ['pred_distri', 'pred_scores', 'anchor_points', 'stride_tensor', 'targets', 'num_objs'] as const;

/** The repository's yolov8 fixtures (fixtures/yolov8/). */
export function yolov8FixturePaths(): string[] {
  const dir = join(repoFixturesDir(), 'yolov8');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.safetensors'))
    .sort()
    .map((n) => join(dir, n));
}

/** The sample written by Ultralytics' own functions, beside the checkout (../shared/fixtures), if present. */
export function yolov8SamplePath(): string | undefined {
  const path = resolve(repoFixturesDir(), '..', '..', 'shared', 'fixtures', 'yolov8_sample.safetensors');
  return existsSync(path) ? path : undefined;
}

export function readYolov8Fixture(path: string): Yolov8Fixture {
  const file = parseSafetensors(new Uint8Array(readFileSync(path)), path);
  const get = (name: string) => {
    const t = file.tensors.get(name);
    if (t === undefined) throw new Error(`${path}: no tensor '${name}'`);
    return t;
  };
  const feeds: Record<string, HostTensor> = {};
  for (const name of INPUTS) {
    const t = get(name);
    feeds[name] = { dtype: name === 'num_objs' ? 'int32' : 'float32', shape: t.shape, data: t.data as Float32Array };
  }
  const scalar = (name: string) => Number(get(name).data[0]);
  const ints = (name: string) => Int32Array.from(get(name).data as BigInt64Array, (v) => Number(v));
  const m = file.metadata;
  return {
    name: path.replace(/^.*\//, '').replace(/\.safetensors$/, ''),
    feeds,
    options: {
      regMax: Number(m.reg_max),
      topk: Number(m.tal_topk),
      alpha: Number(m.tal_alpha),
      beta: Number(m.tal_beta),
      boxGain: Number(m.box_gain),
      clsGain: Number(m.cls_gain),
      dflGain: Number(m.dfl_gain),
    },
    losses: { loss_box: scalar('loss_box'), loss_cls: scalar('loss_cls'), loss_dfl: scalar('loss_dfl') },
    grads: {
      grad_pred_distri: get('grad_pred_distri').data as Float32Array,
      grad_pred_scores: get('grad_pred_scores').data as Float32Array,
    },
    fgMask: ints('fg_mask'),
    targetGtIdx: ints('target_gt_idx'),
  };
}

/** FIXTURES.md's comparison: one line per failed check (losses, gradients, and the assignment when output). */
export function yolov8Failures(out: Outputs, fx: Yolov8Fixture): string[] {
  const failures: string[] = [];
  for (const [name, want] of Object.entries(fx.losses)) {
    const got = Number(out[name]?.data[0]);
    if (!(Math.abs(got - want) <= TOLERANCE.LOSS_REL * Math.max(1, Math.abs(want))))
      failures.push(`${name}: got ${got}, want ${want}`);
  }
  for (const [name, want] of Object.entries(fx.grads)) {
    const got = out[name]?.data;
    let scale = 0;
    for (const w of want) scale = Math.max(scale, Math.abs(w));
    let worst = got === undefined || got.length !== want.length ? Number.NaN : 0;
    for (let i = 0; got !== undefined && i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    if (!(worst <= TOLERANCE.GRAD_REL * Math.max(TOLERANCE.GRAD_FLOOR, scale)))
      failures.push(`${name}: max |diff| ${worst} (largest expected ${scale})`);
  }
  for (const [name, want] of [
    ['fg_mask', fx.fgMask],
    ['target_gt_idx', fx.targetGtIdx],
  ] as const) {
    const got = out[name]?.data;
    if (got === undefined) continue;
    const wrong = want.reduce((n, w, i) => n + (got[i] === w ? 0 : 1), 0);
    if (wrong > 0) failures.push(`${name}: ${wrong} of ${want.length} differ`);
  }
  return failures;
}
