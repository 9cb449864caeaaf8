import type { Outputs } from '@lossgraph/core';

/** Names of the outputs whose bytes differ between two runs ('' when bit-identical). */
export function bitDifferences(a: Outputs, b: Outputs): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  const differ: string[] = [];
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (x === undefined || y === undefined || x.dtype !== y.dtype || x.shape.join() !== y.shape.join()) {
      differ.push(`${name} (missing, or dtype/shape differ)`);
      continue;
    }
    const bx = new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
    const by = new Uint8Array(y.data.buffer, y.data.byteOffset, y.data.byteLength);
    if (bx.length !== by.length || bx.some((v, i) => v !== by[i])) {
      const first = Array.from(x.data).findIndex((v, i) => !Object.is(v, y.data[i]));
      differ.push(`${name} (first at [${first}]: ${x.data[first]} vs ${y.data[first]})`);
    }
  }
  return differ;
}
