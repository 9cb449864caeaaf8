import type { HostTensor } from '../backend/contract.js';
import { fail } from '../errors.js';
import { parseSafetensors, type SafetensorsTensor, writeSafetensors } from '../io/safetensors.js';
import type { TrainingStepProgram } from './step-program.js';

/** The `format` metadata of a trainer checkpoint. */
export const CHECKPOINT_FORMAT = 'lossgraph.trainer/1';

/** What a checkpoint holds: the step count and every parameter and state tensor by its step-input name. */
export interface CheckpointContents {
  /** optimizer steps taken */
  readonly step: number;
  /** parameters, model state (running stats) and optimizer slots, by the training step's input names */
  readonly tensors: Readonly<Record<string, HostTensor>>;
}

const asSafetensor = (t: HostTensor): SafetensorsTensor => {
  // float64 values (the reference interpreter's) are kept as F64, so a resumed run is bit-identical there too
  if (t.data instanceof Float64Array) return { dtype: 'F64', shape: t.shape, data: t.data };
  if (t.data instanceof Float32Array) return { dtype: 'F32', shape: t.shape, data: t.data };
  return fail('DTYPE_MISMATCH', `checkpoint: a float32 tensor was expected, got ${t.dtype}`);
};

/**
 * A trainer checkpoint in the safetensors format: a tensor per parameter, BatchNorm running statistic and
 * optimizer slot (`<p>`, `<s>`, `<p>.<slot>`: the training step's input names, F32, or F64 where the values
 * are float64); metadata `format`, `step` (steps taken), `optimizer` (its type and hyper-parameters as JSON),
 * `parameters` and `state` (the names of each group, as JSON lists).
 */
export function writeCheckpoint(program: TrainingStepProgram, contents: CheckpointContents): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const name of [...program.parameters, ...program.state]) {
    const t = contents.tensors[name];
    if (t === undefined) fail('MISSING_INPUT', `checkpoint: no value of '${name}'`, { tensor: name });
    tensors[name] = asSafetensor(t);
  }
  return writeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    step: String(contents.step),
    optimizer: JSON.stringify(program.optimizer.options),
    parameters: JSON.stringify(program.parameters),
    state: JSON.stringify(program.state),
  });
}

/**
 * Reads a checkpoint for `program`: the format, an optimizer of the same type (so the same slots), and every
 * parameter and state tensor present at its shape in `shapes`, or LossGraphError 'INVALID_CHECKPOINT' naming what differs.
 * Other hyper-parameters may differ (a resumed run may change them, as with torch.optim's param_groups).
 */
export function readCheckpoint(
  program: TrainingStepProgram,
  bytes: Uint8Array,
  shapes: Readonly<Record<string, { readonly shape: readonly number[] }>>,
  source = 'checkpoint',
): CheckpointContents {
  const bad = (why: string, tensor?: string): never =>
    fail('INVALID_CHECKPOINT', `${source}: ${why}`, tensor === undefined ? {} : { tensor });
  let file: ReturnType<typeof parseSafetensors>;
  try {
    file = parseSafetensors(bytes, source);
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
  const { metadata } = file;
  if (metadata.format !== CHECKPOINT_FORMAT)
    bad(`not a trainer checkpoint (format ${JSON.stringify(metadata.format)}, expected '${CHECKPOINT_FORMAT}')`);
  const step = Number(metadata.step);
  if (!(Number.isInteger(step) && step >= 0)) bad(`step ${JSON.stringify(metadata.step)} is not an integer >= 0`);
  let type: unknown;
  try {
    type = (JSON.parse(metadata.optimizer ?? 'null') as { type?: unknown } | null)?.type;
  } catch {
    bad('optimizer metadata is not JSON');
  }
  if (type !== program.optimizer.options.type)
    bad(`written by optimizer '${String(type)}', the trainer's is '${program.optimizer.options.type}'`);
  const tensors: Record<string, HostTensor> = {};
  for (const name of [...program.parameters, ...program.state]) {
    const t = file.tensors.get(name);
    if (t === undefined) return bad(`tensor '${name}' is missing`, name);
    if (t.dtype !== 'F32' && t.dtype !== 'F64') bad(`tensor '${name}' is ${t.dtype}, expected F32 or F64`, name);
    const want = shapes[name]?.shape;
    if (want !== undefined && (want.length !== t.shape.length || want.some((d, i) => d !== t.shape[i])))
      bad(`tensor '${name}' has shape [${t.shape}], the model's is [${want}]`, name);
    tensors[name] = { dtype: 'float32', shape: [...t.shape], data: t.data as Float32Array | Float64Array };
  }
  return { step, tensors };
}
