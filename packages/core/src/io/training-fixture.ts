import type { HostTensor } from '../backend/contract.js';
import { fail } from '../errors.js';
import type { TrainingDescription } from '../losses/loss-entry.js';
import { DEFAULT_LOSS, type Fixture, LOSS_NAMES, type LossName, lossEntry } from '../losses/registry.js';
import { OPTIMIZER_TYPES, type OptimizerOptions } from '../training/optimizer-options.js';
import { metadataReader } from './fixture.js';
import { parseSafetensors, type SafetensorsDtype, type SafetensorsTensor } from './safetensors.js';

/** The quantities a training-step fixture states a tolerance for (docs/FIXTURES.md, "Training steps"). */
export const TRAINING_QUANTITIES = ['loss', 'grad', 'param', 'state', 'eval'] as const;
export type TrainingQuantity = (typeof TRAINING_QUANTITIES)[number];

/**
 * The losses a training-step fixture can name (a separate kind from the loss fixtures: docs/FIXTURES.md,
 * "Training steps"): the registered losses whose entry says how a training step ends in them.
 */
export const TRAINING_FIXTURE_LOSSES: readonly LossName[] = LOSS_NAMES.filter((n) => lossEntry(n).training);
export type TrainingFixtureLoss = LossName;

/** The training part of a loss's registry entry (present for every loss of TRAINING_FIXTURE_LOSSES). */
export function trainingOf(loss: TrainingFixtureLoss): TrainingDescription<object, object> {
  const training = lossEntry(loss).training;
  if (!training) return fail('INVALID_FIXTURE', `no training step is wired for the ${loss} loss`);
  return training;
}

/** One training-step fixture: a model, a batch, the training setup, and what PyTorch computed. */
export interface TrainingFixture {
  readonly name: string;
  readonly loss: TrainingFixtureLoss;
  readonly metadata: Readonly<Record<string, string>>;
  /** the serialised ONNX ModelProto */
  readonly modelOnnx: Uint8Array;
  /** `images`, the loss's default boxes or anchors (its entry's `training.priorsInputs`), `targets`, `num_objs` */
  readonly batch: Readonly<Record<string, HostTensor>>;
  readonly lossOptions: Fixture['options'];
  readonly optimizer: OptimizerOptions;
  readonly steps: number;
  /** the model's outputs (metadata `outputs`): the loss inputs they feed */
  readonly outputs: readonly string[];
  readonly terms: readonly string[];
  readonly expected: {
    /** each term's value at the forward of step k, k = 0 … steps − 1 */
    readonly losses: Readonly<Record<string, readonly number[]>>;
    /** `grad/<p>` by parameter name */
    readonly grads: ReadonlyMap<string, Float32Array>;
    /** `param/<p>` by parameter name */
    readonly params: ReadonlyMap<string, Float32Array>;
    /** `state/<s>` by running-stat name */
    readonly state: ReadonlyMap<string, Float32Array>;
    /** `eval_<out>` by model output */
    readonly eval: ReadonlyMap<string, Float32Array>;
    /** `train_<out>` by model output (debugging only; may be absent) */
    readonly train: ReadonlyMap<string, Float32Array>;
  };
  /** `<q>_tolerance` (1e-4, docs/FIXTURES.md's floor, where absent) */
  readonly tolerances: Readonly<Record<TrainingQuantity, number>>;
}

/** Whether a safetensors file's metadata and tensors make it a training-step fixture (it holds `model_onnx`). */
export function isTrainingFixture(bytes: Uint8Array, name = 'safetensors'): boolean {
  return parseSafetensors(bytes, name).tensors.has('model_onnx');
}

/** The optimizer a fixture's metadata names, in lossgraph's option names (torch.optim's defaults where absent). */
function optimizerOptions(
  m: ReturnType<typeof metadataReader>,
  meta: Readonly<Record<string, string>>,
  file: string,
): OptimizerOptions {
  const type = m.oneOf('optimizer', OPTIMIZER_TYPES, 'sgd');
  if (meta.lr === undefined)
    fail('INVALID_FIXTURE', `${file}: metadata 'lr' is missing (the learning rate of every step)`, { file, key: 'lr' });
  if (type === 'sgd') {
    return {
      type,
      lr: m.num('lr', 0),
      momentum: m.num('momentum', 0),
      dampening: m.num('dampening', 0),
      weightDecay: m.num('weight_decay', 0),
      nesterov: m.bool('nesterov', false),
    };
  }
  return {
    type,
    lr: m.num('lr', 0),
    betas: m.pair('betas', '0.9,0.999'),
    eps: m.num('eps', 1e-8),
    weightDecay: m.num('weight_decay', type === 'adamw' ? 1e-2 : 0),
    amsgrad: m.bool('amsgrad', false),
  };
}

/**
 * Reads a training-step fixture (docs/FIXTURES.md, "Training steps") from its bytes: the model, the batch, the
 * loss and optimizer from the metadata, every expected value by name, and the tolerances. Checks every
 * tensor the format names (dtype, shape, consistent B, M, and sizes) and fails with INVALID_FIXTURE
 * naming the file and the missing or malformed tensor or key. Which parameters and running stats exist is
 * only known from the model: `runTrainingFixture` checks that each has its `grad/`, `param/` and `state/`.
 */
export function readTrainingFixture(bytes: Uint8Array, name: string): TrainingFixture {
  const file = parseSafetensors(bytes, name);
  const meta = file.metadata;
  const m = metadataReader(meta, name);
  const bad = (tensor: string, why: string): never =>
    fail('INVALID_FIXTURE', `${name}: tensor '${tensor}' ${why}`, { file: name, tensor });
  const get = (tensor: string, dtype: SafetensorsDtype, rank: number | null): SafetensorsTensor => {
    const t = file.tensors.get(tensor);
    if (t === undefined) return bad(tensor, 'is missing');
    if (t.dtype !== dtype) bad(tensor, `has dtype ${t.dtype}, expected ${dtype}`);
    // a scalar may also be stored as [1]
    const scalarAsVector = rank === 0 && t.shape.length === 1 && t.shape[0] === 1;
    if (rank !== null && t.shape.length !== rank && !scalarAsVector)
      bad(tensor, `has shape [${t.shape}], expected rank ${rank}`);
    return t;
  };
  const loss = m.oneOf('loss', TRAINING_FIXTURE_LOSSES, DEFAULT_LOSS);
  const stepsValue = meta.steps;
  const steps = Number(stepsValue);
  if (!(Number.isInteger(steps) && steps >= 1))
    fail('INVALID_FIXTURE', `${name}: metadata 'steps' must be an integer >= 1, got ${stepsValue}`, {
      file: name,
      key: 'steps',
    });
  const outputs = (meta.outputs ?? '').split(',').filter((s) => s.length > 0);
  if (outputs.length === 0)
    fail('INVALID_FIXTURE', `${name}: metadata 'outputs' (the model's outputs) is missing`, {
      file: name,
      key: 'outputs',
    });

  // the batch
  const modelOnnx = get('model_onnx', 'U8', 1).data as Uint8Array;
  const images = get('images', 'F32', 4);
  const targets = get('targets', 'F32', 3);
  const numObjs = get('num_objs', 'I32', 1);
  const [B] = images.shape;
  // the default boxes, anchors or strides, shaped as the loss's tensor table says (a letter: the same size in all)
  const sizes = new Map<string, number>();
  const priors = trainingOf(loss).priorsInputs.map((input) => {
    const want = lossEntry(loss).fixture.tensors.find((t) => t.name === input)?.shape ?? ['N', '4'];
    const t = get(input, 'F32', want.length);
    const ok = want.every((dim, i) => {
      const got = t.shape[i] ?? -1;
      if (/^\d+$/.test(dim)) return got === Number(dim);
      const seen = sizes.get(dim) ?? got;
      sizes.set(dim, seen);
      return got === seen;
    });
    if (!ok) bad(input, `has shape [${t.shape}], expected [${want}]`);
    return [input, t] as const;
  });
  if (targets.shape[0] !== B || targets.shape[2] !== 5)
    bad('targets', `has shape [${targets.shape}], expected [${B},M,5]`);
  if (numObjs.shape[0] !== B) bad('num_objs', `has shape [${numObjs.shape}], expected [${B}]`);
  const host = (t: SafetensorsTensor): HostTensor => ({
    dtype: t.dtype === 'I32' ? 'int32' : 'float32',
    shape: t.shape,
    data: t.data as Float32Array | Int32Array,
  });
  const batch = {
    images: host(images),
    ...Object.fromEntries(priors.map(([input, t]) => [input, host(t)])),
    targets: host(targets),
    num_objs: host(numObjs),
  };

  // expected values
  const terms = trainingOf(loss).terms;
  const losses = Object.fromEntries(
    terms.map((term) => [
      term,
      Array.from({ length: steps }, (_, k) => (get(`${term}_step${k}`, 'F64', 0).data as Float64Array)[0]!),
    ]),
  );
  const byPrefix = (prefix: string): Map<string, Float32Array> => {
    const out = new Map<string, Float32Array>();
    for (const [tensor, t] of file.tensors) {
      if (!tensor.startsWith(prefix)) continue;
      if (t.dtype !== 'F32') bad(tensor, `has dtype ${t.dtype}, expected F32`);
      out.set(tensor.slice(prefix.length), t.data as Float32Array);
    }
    return out;
  };
  const grads = byPrefix('grad/');
  const params = byPrefix('param/');
  for (const p of grads.keys()) if (!params.has(p)) bad(`param/${p}`, `is missing (the file has grad/${p})`);
  for (const p of params.keys()) if (!grads.has(p)) bad(`grad/${p}`, `is missing (the file has param/${p})`);
  const evalOut = byPrefix('eval_');
  for (const o of outputs) if (!evalOut.has(o)) bad(`eval_${o}`, `is missing (metadata 'outputs' names ${o})`);

  const tolerances = Object.fromEntries(
    TRAINING_QUANTITIES.map((q) => {
      const v = m.num(`${q}_tolerance`, 1e-4);
      if (!(v > 0)) fail('INVALID_FIXTURE', `${name}: metadata '${q}_tolerance' must be > 0, got ${v}`, { file: name });
      return [q, v];
    }),
  ) as Record<TrainingQuantity, number>;

  return {
    name,
    loss,
    metadata: meta,
    modelOnnx,
    batch,
    lossOptions: trainingOf(loss).fixtureOptions(m) as Fixture['options'],
    optimizer: optimizerOptions(m, meta, name),
    steps,
    outputs,
    terms,
    expected: {
      losses,
      grads,
      params,
      state: byPrefix('state/'),
      eval: evalOut,
      train: byPrefix('train_'),
    },
    tolerances,
  };
}
