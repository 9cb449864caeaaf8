/**
 * Page of browser-device-state.test.ts (bundled by esbuild there): trains the tiny detector with
 * onnxruntime-web WebGPU, the state kept in GPU buffers, counting the GPU buffers WebGPU holds.
 */
import { createTrainer, type HostTensor, LossGraphError, multiboxTrainingLoss } from '@lossgraph/core';
import { tinyDetector } from '@lossgraph/core/testing';
import { compile } from '@lossgraph/onnxruntime-web';

export interface WireHost {
  readonly dtype: HostTensor['dtype'];
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export interface DeviceStateResult {
  readonly losses: Record<string, number>[];
  /** every state tensor after the last step, downloaded */
  readonly state: Record<string, number[]>;
  /** GPU buffers alive (created, not destroyed) after each step of the WebGPU trainer */
  readonly liveBuffers: number[];
  /** the error code of a synchronous `parameters()` on the GPU-buffer state */
  readonly syncReadCode: string;
  readonly stateLocation: string;
  readonly bytes: { toDevice: number; toHost: number };
}

declare global {
  interface Window {
    __deviceState?: (
      init: Record<string, number[]>,
      batch: Record<string, WireHost>,
      steps: number,
    ) => Promise<DeviceStateResult>;
  }
}

let live = 0;
const created = new WeakSet<object>();
function countGpuBuffers(): void {
  const device = (globalThis as { GPUDevice?: { prototype: { createBuffer(d: unknown): object } } }).GPUDevice;
  const buffer = (globalThis as { GPUBuffer?: { prototype: { destroy(): void } } }).GPUBuffer;
  if (device === undefined || buffer === undefined) return;
  const create = device.prototype.createBuffer;
  device.prototype.createBuffer = function (this: unknown, d: unknown) {
    const b = create.call(this, d);
    created.add(b);
    live++;
    return b;
  };
  const destroy = buffer.prototype.destroy;
  buffer.prototype.destroy = function (this: object) {
    if (created.delete(this)) live--;
    destroy.call(this);
  };
}
countGpuBuffers();

const ARRAYS = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;
const WASM_PATHS = new URL('/ort/', location.href).href;

window.__deviceState = async (init, batchWire, steps) => {
  const model = tinyDetector(Object.fromEntries(Object.entries(init).map(([n, d]) => [n, Float32Array.from(d)])));
  const batch = Object.fromEntries(
    Object.entries(batchWire).map(([n, t]) => [
      n,
      { dtype: t.dtype, shape: t.shape, data: ARRAYS[t.dtype].from(t.data) },
    ]),
  );
  const webgpu = await createTrainer({
    model,
    loss: multiboxTrainingLoss(),
    optimizer: { type: 'adam', lr: 0.01 },
    compile: (program, options) =>
      compile(program, { ...options, executionProviders: ['webgpu'], wasmPaths: WASM_PATHS }),
    stateOn: 'device',
  });
  const losses: Record<string, number>[] = [];
  const liveBuffers: number[] = [];
  let syncReadCode = 'none';
  try {
    for (let k = 0; k < steps; k++) {
      losses.push(await webgpu.step(batch));
      liveBuffers.push(live);
    }
    try {
      webgpu.parameters();
    } catch (e) {
      syncReadCode = LossGraphError.isInstance(e) ? e.code : String(e);
    }
    const state = Object.fromEntries(Object.entries(await webgpu.download()).map(([n, t]) => [n, Array.from(t.data)]));
    return {
      losses,
      state,
      liveBuffers,
      syncReadCode,
      stateLocation: webgpu.transfers().stateLocation,
      bytes: webgpu.transfers().lastStep,
    };
  } finally {
    await webgpu.dispose();
  }
};
