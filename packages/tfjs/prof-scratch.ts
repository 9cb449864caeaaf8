import { listFixtureFiles, loadMultiboxFixture, repoFixturesDir, fixtureProgram } from '@lossgraph/core/testing';
import type { HostTensor } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import './test/backends.ts';
import { compile } from './src/index.ts';
const be = process.argv[2] ?? 'cpu';
const reps = Number(process.argv[3] ?? 16);
const tile = (h: HostTensor, n: number): HostTensor => {
  const data = new (h.data.constructor as any)(h.data.length * n);
  for (let i = 0; i < n; i++) data.set(h.data, i * h.data.length);
  return { dtype: h.dtype, shape: [h.shape[0]! * n, ...h.shape.slice(1)], data };
};
const file = (await listFixtureFiles(repoFixturesDir())).find((f) => f.includes('ssd300'))!;
const fx = await loadMultiboxFixture(file);
const inputs = { ...fx.inputs, loc_data: tile(fx.inputs.loc_data, reps), conf_data: tile(fx.inputs.conf_data, reps), targets: tile(fx.inputs.targets, reps), num_objs: tile(fx.inputs.num_objs, reps) };
const c = await compile(fixtureProgram(fx), { backend: be, validate: false });
await c.run(inputs);
const info = await tf.profile(async () => { await c.run(inputs); });
const by = new Map<string, [number, number]>();
const ks = [];
for (const k of info.kernels) { const t = (await k.kernelTimeMs) as number; const e = by.get(k.name) ?? [0, 0]; e[0] += t; e[1]++; by.set(k.name, e); ks.push({ n: k.name, t, i: JSON.stringify(k.inputShapes), o: JSON.stringify(k.outputShapes) }); }
const rows = [...by].sort((a, b) => b[1][0] - a[1][0]);
let total = 0; for (const [, [t]] of rows) total += t;
console.log(be, 'total kernel ms', total.toFixed(0), 'kernels', info.kernels.length);
for (const [n, [t, c2]] of rows.slice(0, 16)) console.log(n.padEnd(22), t.toFixed(1).padStart(8), c2);
ks.sort((a, b) => b.t - a.t);
for (const k of ks.slice(0, 30)) console.log(k.n.padEnd(16), k.t.toFixed(1).padStart(7), k.i, '->', k.o);
