// The root README's example, with seeded logits and offsets instead of zeros (all-zero logits tie every
// negative, which a comparison would not notice), run through every Node backend from the installed
// packages' published entry points, each compared with the reference under the docs/FIXTURES.md tolerances.
// Prints one JSON line per backend.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileReference, defaultBoxes, multiboxLossProgram, packTargets, SSD300 } from '@lossgraph/core';
import { compareWithFixture, seededRandom } from '@lossgraph/core/testing';
import { compile as compileOrtNode } from '@lossgraph/onnxruntime-node';
import { compile as compileOrtWeb } from '@lossgraph/onnxruntime-web';
import { compile as compileTfjs } from '@lossgraph/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);

const program = multiboxLossProgram({ jaccardThresh: 0.5, negPos: 3, variances: [0.1, 0.2] });
const dbox = defaultBoxes(SSD300);
const { targets, num_objs } = packTargets([[[0.1, 0.2, 0.4, 0.6, 11]], []]);
const B = 2,
  P = 8732,
  C = 21;
const r = seededRandom(12);
const values = (n, scale) => Float32Array.from({ length: n }, () => scale * (2 * r() - 1));
const feeds = {
  loc_data: { dtype: 'float32', shape: [B, P, 4], data: values(B * P * 4, 0.5) },
  conf_data: { dtype: 'float32', shape: [B, P, C], data: values(B * P * C, 3) },
  dbox_list: { dtype: 'float32', shape: [P, 4], data: dbox },
  targets,
  num_objs,
};

async function runOn(name, compiled) {
  const start = performance.now();
  const loss = await compiled;
  try {
    const out = await loss.run(feeds);
    return { name, backend: loss.backend, device: loss.device, out, ms: performance.now() - start };
  } finally {
    await loss.dispose();
  }
}

const reference = await runOn('reference', compileReference(program));
const want = {
  loss: 'multibox', // compareWithFixture reads which loss's terms to compare
  expected: {
    loss_l: reference.out.loss_l.data[0],
    loss_c: reference.out.loss_c.data[0],
    grad_loc: reference.out.grad_loc.data,
    grad_conf: reference.out.grad_conf.data,
  },
};
const print = (row, cmp) =>
  console.log(
    JSON.stringify({
      name: row.name,
      backend: row.backend,
      device: row.device,
      ms: Math.round(row.ms),
      loss_l: row.out.loss_l.data[0],
      loss_c: row.out.loss_c.data[0],
      pass: cmp.pass,
      diff: cmp.diff,
      failures: cmp.failures,
    }),
  );
print(reference, compareWithFixture(reference.out, want));

const backends = [
  ['tfjs-cpu', () => compileTfjs(program, { backend: 'cpu' })],
  ['tfjs-wasm', () => compileTfjs(program, { backend: 'wasm' })],
  ['onnxruntime-node-cpu', () => compileOrtNode(program)],
  ['onnxruntime-web-wasm', () => compileOrtWeb(program)],
];
for (const [name, compile] of backends) {
  const row = await runOn(name, compile());
  print(row, compareWithFixture(row.out, want));
}
