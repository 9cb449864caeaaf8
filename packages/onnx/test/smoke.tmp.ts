import * as ort from 'onnxruntime-node';
import { multiboxLossProgram } from '@lossgraph/core';
import { loadMultiboxFixture, repoFixturesDir, compareWithFixture, fixtureProgram } from '@lossgraph/core/testing';
import { toOnnxModel, onnxOpsUsed } from '../src/index.js';
const fx = await loadMultiboxFixture(repoFixturesDir() + '/' + (process.argv[2] ?? 'ssd300_random_b2_c21') + '.safetensors');
const prog = fixtureProgram(fx);
let t = performance.now();
const bytes = toOnnxModel(prog.graph);
console.log('emit ms', performance.now() - t, 'bytes', bytes.length, 'nodes IR', prog.graph.nodes.length);
const s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
const feeds: Record<string, ort.Tensor> = {};
for (const [k, v] of Object.entries(fx.inputs)) feeds[k] = new ort.Tensor(v.dtype === 'float32' ? 'float32' : 'int32', v.data as any, v.shape as number[]);
for (let i = 0; i < 3; i++) {
  t = performance.now();
  const r = await s.run(feeds);
  console.log('run ms', performance.now() - t);
  if (i === 0) {
    const out: any = {};
    for (const [k, v] of Object.entries(r)) out[k] = { dtype: v.type, shape: v.dims, data: v.data };
    console.log(compareWithFixture(out, fx));
  }
}
console.log(onnxOpsUsed(prog.graph).map((u) => `${u.opType}(${u.inputTypes.join(',')})`).join(' '));
