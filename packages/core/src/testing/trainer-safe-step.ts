import type { HostTensor } from '../backend/contract.js';
import { LossGraphError } from '../errors.js';
import { multiboxTrainingLoss } from '../losses/multibox/training-loss.js';
import { type BackendCompile, createTrainer } from '../training/trainer.js';
import { loadOptimReference } from './optim-reference.js';

const sameBits = (a: HostTensor['data'], b: HostTensor['data']): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/**
 * Trains the tiny detector of the optimizer reference (Adam) with `compile` and value scans off: two good
 * steps, a batch with a NaN pixel, then a good step. Returns one line per broken promise: the NaN step must
 * reject with NON_FINITE naming step 3, keep every parameter and state tensor bit for bit (even after later
 * runs, so no backend buffer is shared with the kept state), and the run must then match three good steps.
 * `stateOn` 'device' checks the same with the state kept in the runtime.
 */
export async function trainerSafeStepFailures(
  compile: BackendCompile,
  stateOn: 'host' | 'device' = 'host',
): Promise<string[]> {
  const ref = await loadOptimReference();
  const make = () =>
    createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: { type: 'adam', lr: 0.01 },
      compile,
      compileOptions: { validate: false },
      stateOn,
    });
  const trainer = await make();
  const clean = await make();
  const failures: string[] = [];
  try {
    await trainer.step(ref.batch);
    await trainer.step(ref.batch);
    const kept = Object.entries(trainer.state()).map(([name, t]) => [name, Float64Array.from(t.data)] as const);
    const images = Float32Array.from(ref.batch.images?.data ?? []);
    images[5] = Number.NaN;
    const error = await trainer
      .step({ ...ref.batch, images: { dtype: 'float32', shape: [4, 3, 4, 4], data: images } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    if (!LossGraphError.isInstance(error) || error.code !== 'NON_FINITE' || error.details.step !== 3)
      failures.push(`the NaN step gave ${String(error)}, not NON_FINITE of step 3`);
    if (trainer.stepCount !== 2) failures.push(`step count ${trainer.stepCount} after the rejected step`);
    await trainer.evalOutputs(ref.batch);
    const state = trainer.state();
    for (const [name, data] of kept)
      if (!sameBits(Float64Array.from(state[name]?.data ?? []), data))
        failures.push(`'${name}' changed by the NaN step`);
    await trainer.step(ref.batch);
    for (let k = 0; k < 3; k++) await clean.step(ref.batch);
    const after = trainer.state();
    for (const [name, t] of Object.entries(clean.state()))
      if (!sameBits(after[name]?.data ?? new Float32Array(), t.data))
        failures.push(`'${name}' after the next good step differs from a run without the NaN batch`);
  } finally {
    await trainer.dispose();
    await clean.dispose();
  }
  return failures;
}
