import type { BackendCompile } from '@lossgraph/core';
import {
  trainerDeviceStateComparison,
  trainerResumeDifferences,
  trainerSafeStepFailures,
} from '@lossgraph/core/testing';
import { compile } from '@lossgraph/onnxruntime-web';
import { describe, expect, it } from 'vitest';

describe('trainer on onnxruntime-web (wasm, in Node)', () => {
  it('resuming from a checkpoint after 3 of 6 steps is bit-identical to the uninterrupted run', async () => {
    const differences = await trainerResumeDifferences((program, options) =>
      compile(program, { ...options, executionProviders: ['wasm'] }),
    );
    expect(differences).toEqual([]);
  });

  it('a NaN batch mid-run is rejected and changes nothing; training continues as if it had not come', async () => {
    expect(
      await trainerSafeStepFailures((program, options) =>
        compile(program, { ...options, executionProviders: ['wasm'] }),
      ),
    ).toEqual([]);
  });
});

describe('trainer with the state kept as onnxruntime tensors (onnxruntime-web-wasm)', () => {
  const compileOn: BackendCompile = (program, options) =>
    compile(program, { ...options, executionProviders: ['wasm'] });

  it('is bit-identical to the state on the host; the kept tensors still cross (host memory), with no JS conversion', async () => {
    const { failures, host, device } = await trainerDeviceStateComparison(compileOn);
    console.log(
      `onnxruntime-web-wasm bytes per step: host state ${JSON.stringify(host.lastStep)}, device state ${JSON.stringify(device.lastStep)} (${device.stateLocation})`,
    );
    expect(failures).toEqual([]);
    expect(device.stateLocation).toBe('ort tensor in host memory (wasm)');
    // the same feeds and outputs cross, plus the 4-byte finite check
    expect(device.lastStep).toEqual({ toDevice: host.lastStep.toDevice, toHost: host.lastStep.toHost + 4 });
  });

  it('a NaN batch mid-run is rejected and changes nothing, with the state kept', async () => {
    expect(await trainerSafeStepFailures(compileOn, 'device')).toEqual([]);
  });
});
