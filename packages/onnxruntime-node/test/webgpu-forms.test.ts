import { describeBackend } from '@lossgraph/core/conformance';
import { toOnnxModel } from '@lossgraph/onnx';
import { defineOrtBackend, type OrtCompileOptions } from '@lossgraph/onnxruntime-common';
import * as ort from 'onnxruntime-node';

/**
 * The models @lossgraph/onnx emits for onnxruntime-web's WebGPU provider (its forms of the ops that
 * provider lacks: LogSoftmax, Or, OneHot, int64 casts and shapes...), run here on the CPU provider: every
 * op case and every fixture must come out as from the default models. Where the WebGPU provider itself
 * runs them is checked by test/webgpu-coverage.test.ts of @lossgraph/onnxruntime-web.
 */
const compileWebGpuModel = defineOrtBackend<'cpu', OrtCompileOptions<'cpu'>, object>({
  runtime: 'onnxruntime-node',
  providers: ['cpu'],
  defaultProviders: ['cpu'],
  options: {},
  concurrency: 'parallel',
  openSession: async (graph) => ({
    session: await ort.InferenceSession.create(toOnnxModel(graph, { provider: 'webgpu' }), {
      executionProviders: ['cpu'],
    }),
    Tensor: ort.Tensor,
  }),
});

await describeBackend(
  { name: 'onnxruntime-node-cpu running the WebGPU models', compile: (p, o) => compileWebGpuModel(p, o) },
  { suites: ['ops', 'fixtures'] },
);
