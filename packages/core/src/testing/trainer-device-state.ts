import type { HostTensor } from '../backend/contract.js';
import { multiboxTrainingLoss } from '../losses/multibox/training-loss.js';
import { type BackendCompile, createTrainer, type TrainerTransfers } from '../training/trainer.js';
import { loadOptimReference } from './optim-reference.js';

const sameBits = (a: HostTensor['data'], b: HostTensor['data']): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

export interface DeviceStateComparison {
  /** one line per difference between the two trainers (empty when they agree bit for bit) */
  readonly failures: string[];
  readonly host: TrainerTransfers;
  readonly device: TrainerTransfers;
}

/**
 * Trains the tiny detector of the optimizer reference (Adam) for `steps` steps twice with `compile`: state
 * on the host, and state on the device. The loss terms of every step and every parameter and state tensor
 * after the last must agree bit for bit (same kernels on the same values); also returns what each moved.
 */
export async function trainerDeviceStateComparison(compile: BackendCompile, steps = 3): Promise<DeviceStateComparison> {
  const ref = await loadOptimReference();
  const make = (stateOn: 'host' | 'device') =>
    createTrainer({
      model: ref.model,
      loss: multiboxTrainingLoss(),
      optimizer: { type: 'adam', lr: 0.01 },
      compile,
      stateOn,
    });
  const host = await make('host');
  const device = await make('device');
  const failures: string[] = [];
  try {
    for (let k = 1; k <= steps; k++) {
      const a = await host.step(ref.batch);
      const b = await device.step(ref.batch);
      for (const [term, value] of Object.entries(a))
        if (!Object.is(value, b[term]))
          failures.push(`step ${k}: '${term}' ${b[term]} on the device, ${value} on the host`);
    }
    const deviceState = await device.download();
    for (const [name, t] of Object.entries(host.state())) {
      const d = deviceState[name];
      if (d === undefined || !sameBits(d.data, t.data)) failures.push(`'${name}' after ${steps} steps differs`);
    }
    return { failures, host: host.transfers(), device: device.transfers() };
  } finally {
    await host.dispose();
    await device.dispose();
  }
}
