import type { Feeds, HostTensor } from '../src/index.js';

/** Images [start, end) of every batched feed (those whose first axis is B); shared feeds (priors, anchors) as they are. */
export function sliceImages(feeds: Feeds, batched: readonly string[], start: number, end: number): Feeds {
  const out: Record<string, HostTensor> = { ...feeds };
  for (const name of batched) {
    const t = feeds[name]!;
    const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
    out[name] = { ...t, shape: [end - start, ...t.shape.slice(1)], data: t.data.slice(start * per, end * per) };
  }
  return out;
}
