import { listFixtureFiles, loadMultiboxFixture, repoFixturesDir, fixtureProgram } from '@lossgraph/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import './test/backends.ts';
import { compile } from './src/index.ts';
const file = (await listFixtureFiles(repoFixturesDir())).find((f) => f.includes('ssd300'))!;
const fx = await loadMultiboxFixture(file);
const c = await compile(fixtureProgram(fx), { backend: 'cpu', validate: false });
const info = await tf.profile(async () => { await c.run(fx.inputs); });
info.kernels.forEach((k, i) => { if (k.name === 'Tile') console.log(i, info.kernels.slice(Math.max(0, i - 3), i + 2).map((q) => q.name + JSON.stringify(q.inputShapes)).join(' | ')); });
