import { compileReference, multiboxLossProgram } from '@lossgraph/core';
import { syntheticFeeds } from '../src/perf/synthetic.js';
for (const b of [1, 8]) {
  let t = performance.now();
  const feeds = syntheticFeeds({ batch: b, classes: 21, priors: 'ssd300' });
  console.log('gen', b, performance.now() - t);
  for (const g of [false, true]) {
    const prog = multiboxLossProgram({ gradients: g });
    prog.validateInputs!(feeds);
    const c = compileReference({ graph: prog.graph });
    for (let i = 0; i < 3; i++) { t = performance.now(); const o = await c.run(feeds); console.log(b, g, (performance.now() - t).toFixed(1), o.loss_l!.data[0], o.loss_c!.data[0]); }
  }
}
