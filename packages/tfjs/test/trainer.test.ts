import { createTrainer, multiboxTrainingLoss } from '@lossgraph/core';
import {
  loadOptimReference,
  trainerDeviceStateComparison,
  trainerResumeDifferences,
  trainerSafeStepFailures,
} from '@lossgraph/core/testing';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import './backends.js';

describe('trainer on tfjs-cpu', () => {
  it('resuming from a checkpoint after 3 of 6 steps is bit-identical to the uninterrupted run', async () => {
    const differences = await trainerResumeDifferences((program, options) =>
      compile(program, { ...options, backend: 'cpu' }),
    );
    expect(differences).toEqual([]);
  });

  it('a NaN batch mid-run is rejected and changes nothing; training continues as if it had not come', async () => {
    expect(
      await trainerSafeStepFailures((program, options) => compile(program, { ...options, backend: 'cpu' })),
    ).toEqual([]);
  });
});

describe('trainer with the state on the device (tf.Tensors kept between steps)', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`tfjs-${backend}: bit-identical to the state on the host, and only the losses and the finite check cross`, async () => {
      const { failures, host, device } = await trainerDeviceStateComparison((program, options) =>
        compile(program, { ...options, backend }),
      );
      console.log(
        `tfjs-${backend} bytes per step: host state ${JSON.stringify(host.lastStep)}, device state ${JSON.stringify(device.lastStep)} (${device.stateLocation})`,
      );
      expect(failures).toEqual([]);
      expect(device.stateLocation).toBe(`tfjs tensor (${backend})`);
      // the two loss terms (loss_l, loss_c) and the finite check, 4 bytes each
      expect(device.lastStep.toHost).toBe(3 * 4);
      expect(device.lastStep.toDevice).toBeLessThan(host.lastStep.toDevice);
    });
  }

  it('a NaN batch mid-run is rejected and changes nothing, with the state on the device', async () => {
    expect(
      await trainerSafeStepFailures((program, options) => compile(program, { ...options, backend: 'cpu' }), 'device'),
    ).toEqual([]);
  });

  it('resuming from a checkpoint is bit-identical with the state on the device', async () => {
    const differences = await trainerResumeDifferences(
      (program, options) => compile(program, { ...options, backend: 'wasm' }),
      { stateOn: 'device' },
    );
    expect(differences).toEqual([]);
  });
});

describe('the finite check with the state on the device', () => {
  it('an update that overflows (finite loss, infinite next values) is rejected by the in-graph check and changes nothing', async () => {
    const ref = await loadOptimReference();
    const trainer = await createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: { type: 'sgd', lr: 0.01 },
      compile: (program, options) => compile(program, { ...options, backend: 'cpu' }),
      compileOptions: { validate: false },
      // step 2: a learning rate past float32 range (Infinity once a float32 feed), its update infinite
      lr: (k) => (k === 1 ? Number.MAX_VALUE : 0.01),
      stateOn: 'device',
    });
    try {
      await trainer.step(ref.batch);
      const before = trainer.state();
      const error = await trainer.step(ref.batch).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NON_FINITE', details: { step: 2 } });
      expect(String((error as Error).message)).toMatch(/\.next' holds/);
      expect(trainer.stepCount).toBe(1);
      const after = trainer.state();
      for (const [name, t] of Object.entries(before)) expect(after[name]!.data, name).toEqual(t.data);
      // only the loss terms and the finite check came back before the rejected step read the values to name one
      expect(trainer.transfers().lastStep.toHost).toBe(3 * 4);
    } finally {
      await trainer.dispose();
    }
  });
});
