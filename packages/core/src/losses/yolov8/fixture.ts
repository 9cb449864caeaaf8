import type { Feeds, HostTensor, Outputs } from '../../backend/contract.js';
import { fail } from '../../errors.js';
import { parseSafetensors } from '../../io/safetensors.js';
import { TOLERANCE } from '../../testing/tolerance.js';
import type { Yolov8LossOptions } from './options.js';

/** A yolov8 fixture (docs/FIXTURES.md, "yolov8"): the program's inputs and options, and the expected values. */
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

/**
 * Reads a yolov8 fixture file's bytes (`name` names it in errors): the six inputs, the options from
 * `__metadata__`, the loss terms (shape [] or [1]), the gradients and the assignment. A missing tensor
 * fails with INVALID_FIXTURE naming the file and the tensor.
 */
export function readYolov8Fixture(bytes: Uint8Array, name: string): Yolov8Fixture {
  const file = parseSafetensors(bytes, name);
  const get = (tensor: string) => {
    const t = file.tensors.get(tensor);
    if (t === undefined) fail('INVALID_FIXTURE', `${name}: no tensor '${tensor}'`, { file: name, tensor });
    return t;
  };
  const feeds: Record<string, HostTensor> = {};
  for (const input of INPUTS) {
    const t = get(input);
    const want = input === 'num_objs' ? 'I32' : 'F32';
    if (t.dtype !== want)
      fail('INVALID_FIXTURE', `${name}: '${input}' is ${t.dtype}, expected ${want}`, { file: name });
    feeds[input] = { dtype: input === 'num_objs' ? 'int32' : 'float32', shape: t.shape, data: t.data as Float32Array };
  }
  const scalar = (tensor: string) => Number(get(tensor).data[0]);
  const ints = (tensor: string) => Int32Array.from(get(tensor).data as BigInt64Array, (v) => Number(v));
  const m = file.metadata;
  return {
    name,
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

/** docs/FIXTURES.md's comparison: one line per failed check (losses, gradients, and the assignment when output). */
export function yolov8FixtureFailures(out: Outputs, fx: Yolov8Fixture): string[] {
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
