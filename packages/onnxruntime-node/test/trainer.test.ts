import type { BackendCompile } from '@lossgraph/core';
import {
  trainerDeviceStateComparison,
  trainerResumeDifferences,
  trainerSafeStepFailures,
} from '@lossgraph/core/testing';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';

describe('trainer on onnxruntime-node (cpu)', () => {
  it('resuming from a checkpoint after 3 of 6 steps is bit-identical to the uninterrupted run', async () => {
    const differences = await trainerResumeDifferences((program, options) =>
      compile(program, { ...options, executionProviders: ['cpu'] }),
    );
    expect(differences).toEqual([]);
  });

  it('a NaN batch mid-run is rejected and changes nothing; training continues as if it had not come', async () => {
    expect(
      await trainerSafeStepFailures((program, options) =>
        compile(program, { ...options, executionProviders: ['cpu'] }),
      ),
    ).toEqual([]);
  });
});

describe('trainer with the state kept as onnxruntime tensors (onnxruntime-node-cpu)', () => {
  const compileOn: BackendCompile = (program, options) => compile(program, { ...options, executionProviders: ['cpu'] });

  it('is bit-identical to the state on the host; the kept tensors still cross (host memory), with no JS conversion', async () => {
    const { failures, host, device } = await trainerDeviceStateComparison(compileOn);
    console.log(
      `onnxruntime-node-cpu bytes per step: host state ${JSON.stringify(host.lastStep)}, device state ${JSON.stringify(device.lastStep)} (${device.stateLocation})`,
    );
    expect(failures).toEqual([]);
    expect(device.stateLocation).toBe('ort tensor in host memory (cpu)');
    // the same feeds and outputs cross, plus the 4-byte finite check
    expect(device.lastStep).toEqual({ toDevice: host.lastStep.toDevice, toHost: host.lastStep.toHost + 4 });
  });

  it('a NaN batch mid-run is rejected and changes nothing, with the state kept', async () => {
    expect(await trainerSafeStepFailures(compileOn, 'device')).toEqual([]);
  });
});
