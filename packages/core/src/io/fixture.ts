import type { HostTensor } from '../backend/contract.js';
import { fail } from '../errors.js';
import { dimAt } from '../ir/shape.js';
import type { FixtureRole, TensorSpec } from '../losses/fixture-spec.js';
import { DEFAULT_LOSS, type Fixture, LOSS_NAMES, type LossName, lossEntry } from '../losses/registry.js';
import { metadataReader } from './fixture-metadata.js';
import { parseSafetensors, type SafetensorsTensor } from './safetensors.js';

export type { FixtureRole } from '../losses/fixture-spec.js';
export type { Fixture } from '../losses/registry.js';
export { type MetadataReader, metadataReader } from './fixture-metadata.js';

/** The losses a fixture can name in its `loss` metadata: every registered loss (docs/FIXTURES.md). */
export const FIXTURE_LOSSES: readonly LossName[] = LOSS_NAMES;
export type FixtureLoss = LossName;

/**
 * The output names a fixture of `loss` holds expected values for, by role, and for each gradient the
 * input it is taken with respect to.
 */
export function fixtureOutputs(loss: FixtureLoss): {
  readonly losses: string[];
  readonly gradients: string[];
  readonly integers: string[];
  readonly gradientOf: Readonly<Record<string, string>>;
} {
  const of = (role: FixtureRole) => lossEntry(loss).fixture.tensors.filter((s) => s.role === role);
  const gradients = of('gradient');
  return {
    losses: of('loss').map((s) => s.name),
    gradients: gradients.map((s) => s.name),
    integers: of('integer').map((s) => s.name),
    gradientOf: Object.fromEntries(gradients.flatMap((s) => (s.wrt === undefined ? [] : [[s.name, s.wrt]]))),
  };
}

type Checked = ReadonlyMap<string, SafetensorsTensor>;

const isFixed = (d: string) => /^\d+$/.test(d);

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
      const want = isFixed(d) ? Number(d) : dims[d];
      if (want === undefined) dims[d] = actual;
      else if (want !== actual)
        bad(`has shape [${t.shape}], expected [${shape.map((s) => (isFixed(s) ? s : (dims[s] ?? s)))}]`);
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

/**
 * Reads a fixture file's bytes: the loss it names (`loss` metadata, `multibox` when absent), every tensor
 * of that loss's table (its registry entry, docs/FIXTURES.md) checked for dtype and shape, and the loss
 * options from the metadata. Errors (LossGraphError 'INVALID_FIXTURE') name the file and the tensor or key.
 * Tensor order in the file is not assumed.
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
  const loss = m.oneOf('loss', FIXTURE_LOSSES, DEFAULT_LOSS);
  const { fixture } = lossEntry(loss);
  checkTensors(file.tensors, fixture.tensors, name);
  const { inputs, expected } = unpack(file.tensors, fixture.tensors);
  // the table checked every tensor the loss's fixture type names
  return { name, loss, options: fixture.options(m), metadata: meta, inputs, expected } as unknown as Fixture;
}

/** `readFixture` for callers that only take MultiBoxLoss fixtures: fails (INVALID_FIXTURE) on any other loss. */
export function readMultiboxFixture(bytes: Uint8Array, name: string): Extract<Fixture, { loss: 'multibox' }> {
  const fx = readFixture(bytes, name);
  if (fx.loss !== 'multibox')
    fail('INVALID_FIXTURE', `${name}: a ${fx.loss} fixture, expected a multibox one`, { file: name });
  return fx;
}
