import * as tf from '@tensorflow/tfjs-core';
import './test/backends.ts';
const time = (label: string, f: () => tf.Tensor) => {
  for (let i = 0; i < 2; i++) tf.tidy(() => { f().dataSync(); });
  const t0 = performance.now(); const n = 5;
  for (let i = 0; i < n; i++) tf.tidy(() => { f().dataSync(); });
  console.log(label.padEnd(50), ((performance.now() - t0) / n).toFixed(2), 'ms');
};
for (const be of ['cpu', 'wasm']) {
  await tf.setBackend(be);
  console.log('--', be);
  const B = 32, P = 8732, C = 21, M = 10;
  const big = tf.randomNormal([B, P, C]); const big2 = tf.randomNormal([B, P, C]); const col = tf.randomNormal([B, P, 1]); const row = tf.randomNormal([C]);
  const colm = tf.randomNormal([B, M, 1]); const bmp = tf.randomNormal([B, M, P]);
  time('noop dataSync big', () => tf.clone(big));
  time('fill [B,P,C]', () => tf.fill([B, P, C], 1));
  time('mul(fill, col) [B,P,C]', () => tf.mul(tf.fill([B, P, C], 1), col));
  time('matMul [BP,1]x[1,C]', () => tf.matMul(tf.reshape(col, [B * P, 1]), tf.fill([1, C], 1)));
  time('batchMatMul [1,M? ]: ones[1,P,1] x colm[B,1? ]', () => tf.matMul(tf.fill([1, P, 1], 1), tf.reshape(colm, [B * M, 1, 1])));
  time('less same shape', () => tf.less(big, big2));
  time('less suffix [B,P,C],[C]', () => tf.less(big, row));
  time('maximum same shape', () => tf.maximum(big, big2));
  time('maximum suffix', () => tf.maximum(big, row));
  time('where same shape', () => tf.where(tf.less(big, big2), big, big2));
  time('logicalAnd same', () => tf.logicalAnd(tf.less(big, big2), tf.less(big2, big)));
  time('sub same', () => tf.sub(big, big2));
  time('sub col', () => tf.sub(big, col));
  time('exp', () => tf.exp(big));
  time('[B,M,1]-[B,M,P] sub', () => tf.sub(colm, bmp));
  time('cast bool->f32', () => tf.cast(tf.less(big, big2), 'float32'));
}
