import { fail } from '../errors.js';
import type { HostTensor } from '../backend/contract.js';
import type { MultiboxLossOptions } from '../losses/multibox-options.js';
import { parseSafetensors, type SafetensorsDtype, type SafetensorsTensor } from './safetensors.js';

/** One MultiBoxLoss fixture (FIXTURES.md): inputs, options and expected values. */
export interface MultiboxFixture {
  readonly name: string;
  readonly inputs: {
    readonly loc_data: HostTensor;
    readonly conf_data: HostTensor;
    readonly dbox_list: HostTensor;
    readonly targets: HostTensor;
    readonly num_objs: HostTensor;
  };
  readonly options: Required<Pick<MultiboxLossOptions, 'jaccardThresh' | 'negPos' | 'variances'>>;
  readonly expected: {
    readonly loss_l: number;
    readonly loss_c: number;
    readonly grad_loc: Float32Array;
    readonly grad_conf: Float32Array;
    readonly conf_t_label: Int32Array;
    readonly loc_t: Float32Array;
    readonly num_pos: Int32Array;
  };
  readonly metadata: Readonly<Record<string, string>>;
}

type Spec = readonly [name: string, dtype: SafetensorsDtype, shape: readonly string[]];
const SPECS: readonly Spec[] = [
  ['loc_data', 'F32', ['B', 'P', '4']],
  ['conf_data', 'F32', ['B', 'P', 'C']],
  ['dbox_list', 'F32', ['P', '4']],
  ['targets', 'F32', ['B', 'M', '5']],
  ['num_objs', 'I32', ['B']],
  ['loss_l', 'F64', []],
  ['loss_c', 'F64', []],
  ['grad_loc', 'F32', ['B', 'P', '4']],
  ['grad_conf', 'F32', ['B', 'P', 'C']],
  ['conf_t_label', 'I64', ['B', 'P']],
  ['loc_t', 'F32', ['B', 'P', '4']],
  ['num_pos', 'I64', ['B']],
];

/**
 * Reads a fixture file's bytes, checking every tensor of FIXTURES.md against its dtype and shape; errors
 * (LossGraphError 'INVALID_FIXTURE') name the file and the tensor. Tensor order in the file is not assumed.
 */
export function readMultiboxFixture(bytes: Uint8Array, name: string): MultiboxFixture {
  const file = parseSafetensors(bytes, name);
  const dims: Record<string, number> = {};
  const got = new Map<string, SafetensorsTensor>();
  for (const [tensor, dtype, shape] of SPECS) {
    const t = file.tensors.get(tensor);
    const bad = (why: string): never => fail('INVALID_FIXTURE', `${name}: tensor '${tensor}' ${why}`, { file: name, tensor });
    if (t === undefined) bad('is missing');
    if (t!.dtype !== dtype) bad(`has dtype ${t!.dtype}, expected ${dtype}`);
    // a scalar may also be stored as [1] (as the independent sample does)
    const scalarAsVector = shape.length === 0 && t!.shape.length === 1 && t!.shape[0] === 1;
    if (t!.shape.length !== shape.length && !scalarAsVector) bad(`has shape [${t!.shape}], expected [${shape}]`);
    shape.forEach((d, i) => {
      const actual = t!.shape[i]!;
      const want = /^\d+$/.test(d) ? Number(d) : dims[d];
      if (want === undefined) dims[d] = actual;
      else if (want !== actual) bad(`has shape [${t!.shape}], expected [${shape.map((s) => (/^\d+$/.test(s) ? s : (dims[s] ?? s)))}]`);
    });
    got.set(tensor, t!);
  }
  const f32 = (n: string): HostTensor => ({ dtype: 'float32', shape: got.get(n)!.shape, data: got.get(n)!.data as Float32Array });
  const i64to32 = (n: string) => Int32Array.from(got.get(n)!.data as BigInt64Array, (v) => Number(v));
  const meta = file.metadata;
  const num = (key: string, fallback: number): number => {
    const v = meta[key];
    if (v === undefined) return fallback;
    const x = Number(v);
    if (!Number.isFinite(x)) fail('INVALID_FIXTURE', `${name}: metadata '${key}' is not a number: ${v}`, { file: name });
    return x;
  };
  const variances = (meta.variance ?? '0.1,0.2').split(',').map(Number);
  if (variances.length !== 2 || variances.some((v) => !Number.isFinite(v))) {
    fail('INVALID_FIXTURE', `${name}: metadata 'variance' must be two numbers, got ${meta.variance}`, { file: name });
  }
  return {
    name,
    inputs: {
      loc_data: f32('loc_data'),
      conf_data: f32('conf_data'),
      dbox_list: f32('dbox_list'),
      targets: f32('targets'),
      num_objs: { dtype: 'int32', shape: got.get('num_objs')!.shape, data: got.get('num_objs')!.data as Int32Array },
    },
    options: { jaccardThresh: num('jaccard_thresh', 0.5), negPos: num('neg_pos', 3), variances: [variances[0]!, variances[1]!] },
    expected: {
      loss_l: (got.get('loss_l')!.data as Float64Array)[0]!,
      loss_c: (got.get('loss_c')!.data as Float64Array)[0]!,
      grad_loc: got.get('grad_loc')!.data as Float32Array,
      grad_conf: got.get('grad_conf')!.data as Float32Array,
      conf_t_label: i64to32('conf_t_label'),
      loc_t: got.get('loc_t')!.data as Float32Array,
      num_pos: i64to32('num_pos'),
    },
    metadata: meta,
  };
}
