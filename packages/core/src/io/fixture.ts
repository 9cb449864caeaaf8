import type { HostTensor } from '../backend/contract.js';
import { fail } from '../errors.js';
import { dimAt } from '../ir/shape.js';
import type { MultiboxLossOptions } from '../losses/multibox/options.js';
import { MULTIBOX_PROFILES, type MultiboxProfile } from '../losses/multibox/profile.js';
import { RETINANET_BOX_LOSSES, type RetinanetBoxLoss, type RetinanetLossOptions } from '../losses/retinanet/options.js';
import { parseSafetensors, type SafetensorsDtype, type SafetensorsTensor } from './safetensors.js';

/** The losses a fixture can name in its `loss` metadata (docs/FIXTURES.md, "Other losses and profiles"). */
export const FIXTURE_LOSSES = ['multibox', 'retinanet'] as const;
export type FixtureLoss = (typeof FIXTURE_LOSSES)[number];

/** What a fixture tensor is: a program input, an expected loss term, gradient, integer diagnostic, or other expected value. */
export type FixtureRole = 'input' | 'loss' | 'gradient' | 'integer' | 'expected';

interface TensorSpec {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly string[];
  readonly role: FixtureRole;
  /** for a gradient: the input it is taken with respect to */
  readonly wrt?: string;
}

const spec = (
  name: string,
  dtype: SafetensorsDtype,
  shape: readonly string[],
  role: FixtureRole,
  wrt?: string,
): TensorSpec => (wrt === undefined ? { name, dtype, shape, role } : { name, dtype, shape, role, wrt });

/** docs/FIXTURES.md's tensor tables, per loss. */
const SPECS: Readonly<Record<FixtureLoss, readonly TensorSpec[]>> = {
  multibox: [
    spec('loc_data', 'F32', ['B', 'P', '4'], 'input'),
    spec('conf_data', 'F32', ['B', 'P', 'C'], 'input'),
    spec('dbox_list', 'F32', ['P', '4'], 'input'),
    spec('targets', 'F32', ['B', 'M', '5'], 'input'),
    spec('num_objs', 'I32', ['B'], 'input'),
    spec('loss_l', 'F64', [], 'loss'),
    spec('loss_c', 'F64', [], 'loss'),
    spec('grad_loc', 'F32', ['B', 'P', '4'], 'gradient', 'loc_data'),
    spec('grad_conf', 'F32', ['B', 'P', 'C'], 'gradient', 'conf_data'),
    spec('conf_t_label', 'I64', ['B', 'P'], 'integer'),
    spec('loc_t', 'F32', ['B', 'P', '4'], 'expected'),
    spec('num_pos', 'I64', ['B'], 'integer'),
  ],
  retinanet: [
    spec('cls_logits', 'F32', ['B', 'A', 'C'], 'input'),
    spec('bbox_regression', 'F32', ['B', 'A', '4'], 'input'),
    spec('anchors', 'F32', ['A', '4'], 'input'),
    spec('targets', 'F32', ['B', 'M', '5'], 'input'),
    spec('num_objs', 'I32', ['B'], 'input'),
    spec('loss_cls', 'F64', [], 'loss'),
    spec('loss_box', 'F64', [], 'loss'),
    spec('grad_cls_logits', 'F32', ['B', 'A', 'C'], 'gradient', 'cls_logits'),
    spec('grad_bbox_regression', 'F32', ['B', 'A', '4'], 'gradient', 'bbox_regression'),
    spec('matched_idxs', 'I64', ['B', 'A'], 'integer'),
  ],
};

/**
 * The output names a fixture of `loss` holds expected values for, by role, and for each gradient the
 * input it is taken with respect to (multibox keeps its historical names grad_loc and grad_conf).
 */
export function fixtureOutputs(loss: FixtureLoss): {
  readonly losses: string[];
  readonly gradients: string[];
  readonly integers: string[];
  readonly gradientOf: Readonly<Record<string, string>>;
} {
  const of = (role: FixtureRole) => SPECS[loss].filter((s) => s.role === role);
  const gradients = of('gradient');
  return {
    losses: of('loss').map((s) => s.name),
    gradients: gradients.map((s) => s.name),
    integers: of('integer').map((s) => s.name),
    gradientOf: Object.fromEntries(gradients.flatMap((s) => (s.wrt === undefined ? [] : [[s.name, s.wrt]]))),
  };
}

interface FixtureBase<L extends FixtureLoss> {
  readonly name: string;
  readonly loss: L;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One MultiBoxLoss fixture (docs/FIXTURES.md): inputs, options and expected values. */
export interface MultiboxFixture extends FixtureBase<'multibox'> {
  readonly inputs: {
    readonly loc_data: HostTensor;
    readonly conf_data: HostTensor;
    readonly dbox_list: HostTensor;
    readonly targets: HostTensor;
    readonly num_objs: HostTensor;
  };
  readonly options: Required<Pick<MultiboxLossOptions, 'jaccardThresh' | 'negPos' | 'variances' | 'profile'>>;
  readonly expected: {
    readonly loss_l: number;
    readonly loss_c: number;
    readonly grad_loc: Float32Array;
    readonly grad_conf: Float32Array;
    readonly conf_t_label: Int32Array;
    readonly loc_t: Float32Array;
    readonly num_pos: Int32Array;
  };
}

/** One RetinaNet-loss fixture (docs/FIXTURES.md, "retinanet"). */
export interface RetinanetFixture extends FixtureBase<'retinanet'> {
  readonly inputs: {
    readonly cls_logits: HostTensor;
    readonly bbox_regression: HostTensor;
    readonly anchors: HostTensor;
    readonly targets: HostTensor;
    readonly num_objs: HostTensor;
  };
  readonly options: Required<
    Pick<
      RetinanetLossOptions,
      'fgIouThresh' | 'bgIouThresh' | 'allowLowQualityMatches' | 'focalAlpha' | 'focalGamma' | 'boxLoss'
    >
  >;
  readonly expected: {
    readonly loss_cls: number;
    readonly loss_box: number;
    readonly grad_cls_logits: Float32Array;
    readonly grad_bbox_regression: Float32Array;
    readonly matched_idxs: Int32Array;
  };
}

export type Fixture = MultiboxFixture | RetinanetFixture;

type Checked = ReadonlyMap<string, SafetensorsTensor>;

/** Checks every tensor of the loss's table (presence, dtype, shape, consistent symbolic sizes). */
function checkTensors(tensors: Checked, specs: readonly TensorSpec[], file: string): void {
  const dims: Record<string, number> = {};
  for (const { name: tensor, dtype, shape } of specs) {
    const bad = (why: string): never => fail('INVALID_FIXTURE', `${file}: tensor '${tensor}' ${why}`, { file, tensor });
    const t = tensors.get(tensor) ?? bad('is missing');
    if (t.dtype !== dtype) bad(`has dtype ${t.dtype}, expected ${dtype}`);
    // a scalar may also be stored as [1] (as the independent sample does)
    const scalarAsVector = shape.length === 0 && t.shape.length === 1 && t.shape[0] === 1;
    if (t.shape.length !== shape.length && !scalarAsVector) bad(`has shape [${t.shape}], expected [${shape}]`);
    shape.forEach((d, i) => {
      const actual = dimAt(t.shape, i);
      const want = /^\d+$/.test(d) ? Number(d) : dims[d];
      if (want === undefined) dims[d] = actual;
      else if (want !== actual)
        bad(`has shape [${t.shape}], expected [${shape.map((s) => (/^\d+$/.test(s) ? s : (dims[s] ?? s)))}]`);
    });
  }
}

/** Each tensor of the table as the program input or expected value it stands for. */
function unpack(
  tensors: Checked,
  specs: readonly TensorSpec[],
): { inputs: Record<string, HostTensor>; expected: Record<string, number | Float32Array | Int32Array> } {
  const inputs: Record<string, HostTensor> = {};
  const expected: Record<string, number | Float32Array | Int32Array> = {};
  for (const { name, dtype, role } of specs) {
    const t = tensors.get(name);
    if (t === undefined) fail('INVALID_FIXTURE', `tensor '${name}' is missing`, { tensor: name }); // checkTensors ran first
    if (role === 'input')
      inputs[name] = {
        dtype: dtype === 'I32' ? 'int32' : 'float32',
        shape: t.shape,
        data: t.data as Float32Array | Int32Array,
      };
    else if (dtype === 'F64')
      expected[name] = (t.data as Float64Array)[0] ?? NaN; // a scalar (checkTensors)
    else if (dtype === 'I64') expected[name] = Int32Array.from(t.data as BigInt64Array, (v) => Number(v));
    else expected[name] = t.data as Float32Array;
  }
  return { inputs, expected };
}

/** Typed readers of `__metadata__` values, failing with INVALID_FIXTURE naming the file and key. */
export function metadataReader(meta: Readonly<Record<string, string>>, file: string) {
  const invalid = (key: string, want: string): never =>
    fail('INVALID_FIXTURE', `${file}: metadata '${key}' must be ${want}, got ${meta[key]}`, { file });
  return {
    num(key: string, fallback: number): number {
      const v = meta[key];
      if (v === undefined) return fallback;
      const x = Number(v);
      return Number.isFinite(x) ? x : invalid(key, 'a number');
    },
    oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
      const v = meta[key] ?? fallback;
      return (allowed as readonly string[]).includes(v) ? (v as T) : invalid(key, `one of ${allowed.join(', ')}`);
    },
    bool(key: string, fallback: boolean): boolean {
      const v = meta[key];
      return v === undefined ? fallback : v === 'true' ? true : v === 'false' ? false : invalid(key, 'true or false');
    },
    pair(key: string, fallback: string): [number, number] {
      const v = (meta[key] ?? fallback).split(',').map(Number);
      const [a = NaN, b = NaN] = v;
      return v.length === 2 && Number.isFinite(a) && Number.isFinite(b) ? [a, b] : invalid(key, 'two numbers');
    },
  };
}

type MetadataReader = ReturnType<typeof metadataReader>;

/** The MultiBoxLoss options a fixture's metadata names (FIXTURES.md defaults where absent). */
export function multiboxFixtureOptions(m: MetadataReader): MultiboxFixture['options'] {
  const profile: MultiboxProfile = m.oneOf('profile', MULTIBOX_PROFILES, 'seed');
  return {
    jaccardThresh: m.num('jaccard_thresh', 0.5),
    negPos: m.num('neg_pos', 3),
    variances: m.pair('variance', '0.1,0.2'),
    profile,
  };
}

/** The RetinaNet loss options a fixture's metadata names (torchvision's defaults where absent). */
export function retinanetFixtureOptions(m: MetadataReader): RetinanetFixture['options'] {
  return {
    fgIouThresh: m.num('fg_iou_thresh', 0.5),
    bgIouThresh: m.num('bg_iou_thresh', 0.4),
    allowLowQualityMatches: m.bool('allow_low_quality_matches', true),
    focalAlpha: m.num('focal_alpha', 0.25),
    focalGamma: m.num('focal_gamma', 2),
    boxLoss: m.oneOf<RetinanetBoxLoss>('box_loss', RETINANET_BOX_LOSSES, 'l1'),
  };
}

/**
 * Reads a fixture file's bytes: the loss it names (`loss` metadata, `multibox` when absent), every tensor
 * of that loss's docs/FIXTURES.md table checked for dtype and shape, and the loss options from the metadata.
 * Errors (LossGraphError 'INVALID_FIXTURE') name the file and the tensor or key. Tensor order in the file
 * is not assumed.
 */
export function readFixture(bytes: Uint8Array, name: string): Fixture {
  const file = parseSafetensors(bytes, name);
  if (file.tensors.has('model_onnx'))
    fail(
      'INVALID_FIXTURE',
      `${name}: a training-step fixture (it holds model_onnx); read it with readTrainingFixture`,
      {
        file: name,
      },
    );
  const meta = file.metadata;
  const m = metadataReader(meta, name);
  const loss = m.oneOf('loss', FIXTURE_LOSSES, 'multibox');
  checkTensors(file.tensors, SPECS[loss], name);
  const { inputs, expected } = unpack(file.tensors, SPECS[loss]);
  if (loss === 'multibox') {
    const options = multiboxFixtureOptions(m);
    return {
      name,
      loss,
      options,
      metadata: meta,
      inputs: inputs as MultiboxFixture['inputs'],
      expected: expected as unknown as MultiboxFixture['expected'],
    };
  }
  const options = retinanetFixtureOptions(m);
  return {
    name,
    loss,
    options,
    metadata: meta,
    inputs: inputs as RetinanetFixture['inputs'],
    expected: expected as unknown as RetinanetFixture['expected'],
  };
}

/** `readFixture` for callers that only take MultiBoxLoss fixtures: fails (INVALID_FIXTURE) on any other loss. */
export function readMultiboxFixture(bytes: Uint8Array, name: string): MultiboxFixture {
  const fx = readFixture(bytes, name);
  if (fx.loss !== 'multibox')
    fail('INVALID_FIXTURE', `${name}: a ${fx.loss} fixture, expected a multibox one`, { file: name });
  return fx;
}
