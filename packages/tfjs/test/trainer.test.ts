import {
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
