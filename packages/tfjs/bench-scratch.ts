import { listFixtureFiles, loadMultiboxFixture, repoFixturesDir, compareWithFixture, fixtureProgram } from '@lossgraph/core/testing';
import type { HostTensor } from '@lossgraph/core';
import './test/backends.ts';
import { compile } from './src/index.ts';
const which = process.argv[2] ?? 'ssd300';
const backends = (process.argv[3] ?? 'cpu,wasm').split(',');
const reps = Number(process.argv[4] ?? 1);
const iters = Number(process.argv[5] ?? 6);
const tile = (h: HostTensor, n: number): HostTensor => {
  const data = new (h.data.constructor as any)(h.data.length * n);
  for (let i = 0; i < n; i++) data.set(h.data, i * h.data.length);
  return { dtype: h.dtype, shape: [h.shape[0]! * n, ...h.shape.slice(1)], data };
};
for (const file of await listFixtureFiles(repoFixturesDir())) {
  if (!file.includes(which)) continue;
  const fx = await loadMultiboxFixture(file);
  const inputs = reps === 1 ? fx.inputs : { ...fx.inputs, loc_data: tile(fx.inputs.loc_data, reps), conf_data: tile(fx.inputs.conf_data, reps), targets: tile(fx.inputs.targets, reps), num_objs: tile(fx.inputs.num_objs, reps) };
  for (const be of backends) {
    const c = await compile(fixtureProgram(fx), { backend: be, validate: false });
    const times: number[] = [];
    let cmp;
    for (let i = 0; i < iters; i++) {
      const t0 = performance.now();
      const out = await c.run(inputs);
      times.push(performance.now() - t0);
      if (reps === 1) cmp = compareWithFixture(out, fx);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(fx.name, 'x' + reps, be, 'min', sorted[0]!.toFixed(0), 'median', sorted[sorted.length >> 1]!.toFixed(0), 'ms', cmp ? cmp.pass : '');
    await c.dispose();
  }
}
