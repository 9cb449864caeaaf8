import { describe, expect, it } from 'vitest';
import { LossGraphError } from '../src/index.js';
import { run1, values } from './helpers.js';

// Reference kernels on small hand-checked examples (the expected values follow from each op's definition).
const f = (shape: number[], v: number[]) => ({ shape, values: v });
const i32 = (shape: number[], v: number[]) => ({ dtype: 'int32' as const, shape, values: v });
const bl = (shape: number[], v: number[]) => ({ dtype: 'bool' as const, shape, values: v });

describe('reference kernels', () => {
  it('add/sub/mul/div broadcast', () => {
    const [a, s, m, d] = run1([f([2, 2], [1, 2, 3, 4]), f([2], [10, 20])], (_, [x, y]) => [
      x!.add(y!),
      x!.sub(y!),
      x!.mul(y!),
      x!.div(y!),
    ]);
    expect(values(a!)).toEqual([11, 22, 13, 24]);
    expect(values(s!)).toEqual([-9, -18, -7, -16]);
    expect(values(m!)).toEqual([10, 40, 30, 80]);
    expect(values(d!)).toEqual([0.1, 0.1, 0.3, 0.2]);
    expect(a!.shape).toEqual([2, 2]);
  });
  it('int32 div truncates toward zero', () => {
    const [d] = run1([i32([4], [7, -7, 7, -7]), i32([4], [2, 2, -2, -2])], (_, [x, y]) => x!.div(y!));
    expect(values(d!)).toEqual([3, -3, -3, 3]);
  });
  it('maximum/minimum', () => {
    const [mx, mn] = run1([f([3], [1, 5, 2]), f([3], [3, 4, 2])], (_, [x, y]) => [x!.maximum(y!), x!.minimum(y!)]);
    expect(values(mx!)).toEqual([3, 5, 2]);
    expect(values(mn!)).toEqual([1, 4, 2]);
  });
  it('comparisons give bools', () => {
    const outs = run1([f([3], [1, 2, 3]), f([1], [2])], (_, [x, y]) => [
      x!.equal(y!),
      x!.less(y!),
      x!.lessEqual(y!),
      x!.greater(y!),
      x!.greaterEqual(y!),
    ]);
    expect(outs.map(values)).toEqual([
      [0, 1, 0],
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
      [0, 1, 1],
    ]);
    expect(outs[0]!.dtype).toBe('bool');
  });
  it('and/or/not/where', () => {
    const [a, o, n, w] = run1([bl([4], [0, 0, 1, 1]), bl([4], [0, 1, 0, 1]), f([4], [1, 2, 3, 4])], (b, [x, y, z]) => [
      x!.and(y!),
      x!.or(y!),
      x!.not(),
      b.where(x!, z!, -1),
    ]);
    expect(values(a!)).toEqual([0, 0, 0, 1]);
    expect(values(o!)).toEqual([0, 1, 1, 1]);
    expect(values(n!)).toEqual([1, 1, 0, 0]);
    expect(values(w!)).toEqual([-1, -1, 3, 4]);
  });
  it('cast', () => {
    const [toInt, toBool] = run1([f([4], [1.7, -1.7, 0, 2])], (_, [x]) => [x!.cast('int32'), x!.cast('bool')]);
    expect(values(toInt!)).toEqual([1, -1, 0, 2]);
    expect(values(toBool!)).toEqual([1, 1, 0, 1]);
    const [back] = run1([bl([2], [1, 0])], (_, [x]) => x!.cast('float32'));
    expect(values(back!)).toEqual([1, 0]);
  });
  it('unary math', () => {
    const [e, l, a, n, s, sg] = run1([f([3], [1, 4, 0.25])], (_, [x]) => [
      x!.exp(),
      x!.log(),
      x!.neg().abs(),
      x!.neg(),
      x!.sqrt(),
      x!.sub(1).sign(),
    ]);
    expect(values(e!)).toEqual([Math.E, Math.exp(4), Math.exp(0.25)]);
    expect(values(l!)).toEqual([0, Math.log(4), Math.log(0.25)]);
    expect(values(a!)).toEqual([1, 4, 0.25]);
    expect(values(n!)).toEqual([-1, -4, -0.25]);
    expect(values(s!)).toEqual([1, 2, 0.5]);
    expect(values(sg!)).toEqual([0, 1, -1]);
  });
  it('reduceSum/reduceMax over axes, keepDims', () => {
    const x = f([2, 3], [1, 5, 3, 4, 2, 6]);
    const [s0, s1k, sAll, m1, m0k] = run1([x], (_, [t]) => [
      t!.sum([0]),
      t!.sum([1], true),
      t!.sum(),
      t!.max([1]),
      t!.max([0], true),
    ]);
    expect(values(s0!)).toEqual([5, 7, 9]);
    expect(s1k!.shape).toEqual([2, 1]);
    expect(values(s1k!)).toEqual([9, 12]);
    expect(values(sAll!)).toEqual([21]);
    expect(sAll!.shape).toEqual([]);
    expect(values(m1!)).toEqual([5, 6]);
    expect(values(m0k!)).toEqual([4, 5, 6]);
  });
  it('argMax picks the lowest index on ties', () => {
    const [a1, a0] = run1([f([2, 4], [1, 3, 3, 0, 2, 2, 2, 2])], (_, [t]) => [t!.argMax(1), t!.argMax(0, true)]);
    expect(values(a1!)).toEqual([1, 0]);
    expect(a0!.shape).toEqual([1, 4]);
    expect(values(a0!)).toEqual([1, 0, 0, 1]);
    expect(a1!.dtype).toBe('int32');
  });
  it('logSoftmax is stable for large logits', () => {
    const [y] = run1([f([1, 3], [1000, 1000, 1000 - Math.log(2)])], (_, [t]) => t!.logSoftmax(1));
    const lse = 1000 + Math.log(2.5);
    const want = [1000, 1000, 1000 - Math.log(2)].map((v) => v - lse);
    expect(values(y!)).toHaveLength(want.length);
    for (const [i, v] of values(y!).entries()) expect(v).toBeCloseTo(want[i]!, 10);
  });
  it('reshape/expand/slice/concat/unsqueeze/squeeze/transpose', () => {
    const x = f([2, 3], [1, 2, 3, 4, 5, 6]);
    const [r, sl, c, u, t] = run1([x], (b, [a]) => [
      a!.reshape([3, 2]),
      a!.slice(1, 1, 3),
      b.concat([a!, a!.slice(1, 0, 1)], 1),
      a!.unsqueeze(0),
      a!.transpose([1, 0]),
    ]);
    expect(r!.shape).toEqual([3, 2]);
    expect(values(r!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(values(sl!)).toEqual([2, 3, 5, 6]);
    expect(values(c!)).toEqual([1, 2, 3, 1, 4, 5, 6, 4]);
    expect(u!.shape).toEqual([1, 2, 3]);
    expect(values(t!)).toEqual([1, 4, 2, 5, 3, 6]);
    const [e, s] = run1([f([1, 2], [7, 8])], (_, [a]) => [a!.expand([3, 2]), a!.squeeze(0)]);
    expect(values(e!)).toEqual([7, 8, 7, 8, 7, 8]);
    expect(s!.shape).toEqual([2]);
  });
  it('gather / gatherElements / scatterElements', () => {
    const x = f([2, 3], [1, 2, 3, 4, 5, 6]);
    const [g] = run1([x, i32([2], [2, 0])], (_, [a, idx]) => a!.gather(idx!, 1));
    expect(g!.shape).toEqual([2, 2]);
    expect(values(g!)).toEqual([3, 1, 6, 4]);
    const [ge] = run1([x, i32([2, 2], [2, 2, 0, 1])], (_, [a, idx]) => a!.gatherElements(idx!, 1));
    expect(values(ge!)).toEqual([3, 3, 4, 5]);
    const [sa, sn] = run1([x, i32([2, 2], [0, 0, 2, 1]), f([2, 2], [10, 20, 30, 40])], (_, [a, idx, u]) => [
      a!.scatterElements(idx!, u!, 1, 'add'),
      a!.scatterElements(idx!.slice(1, 0, 1), u!.slice(1, 0, 1), 1, 'none'),
    ]);
    expect(values(sa!)).toEqual([31, 2, 3, 4, 45, 36]);
    expect(values(sn!)).toEqual([10, 2, 3, 4, 5, 30]);
  });
  it('scatterElements none rejects duplicate indices', () => {
    expect(() =>
      run1([f([1, 3], [0, 0, 0]), i32([1, 2], [1, 1]), f([1, 2], [1, 2])], (_, [a, idx, u]) =>
        a!.scatterElements(idx!, u!, 1, 'none'),
      ),
    ).toThrow(/duplicate/);
  });
  it('gather index out of range is a KERNEL_ERROR', () => {
    try {
      run1([f([3], [1, 2, 3]), i32([1], [3])], (_, [a, idx]) => a!.gather(idx!, 0));
      expect.unreachable();
    } catch (e) {
      expect(LossGraphError.isInstance(e) && e.code).toBe('KERNEL_ERROR');
    }
  });
  it('topk/sort keep the lower index first on ties', () => {
    const x = f([1, 5], [2, 7, 2, 9, 7]);
    const [tv, ti] = run1([x], (_, [a]) => a!.topk(3, 1, true));
    expect(values(tv!)).toEqual([9, 7, 7]);
    expect(values(ti!)).toEqual([3, 1, 4]);
    const [sv, si] = run1([x], (_, [a]) => a!.sort(1, false));
    expect(values(sv!)).toEqual([2, 2, 7, 7, 9]);
    expect(values(si!)).toEqual([0, 2, 1, 4, 3]);
  });
  it('cumsum variants', () => {
    const x = f([4], [1, 2, 3, 4]);
    const outs = run1([x], (_, [a]) => [
      a!.cumsum(0),
      a!.cumsum(0, { exclusive: true }),
      a!.cumsum(0, { reverse: true }),
      a!.cumsum(0, { exclusive: true, reverse: true }),
    ]);
    expect(outs.map(values)).toEqual([
      [1, 3, 6, 10],
      [0, 1, 3, 6],
      [10, 9, 7, 4],
      [9, 7, 4, 0],
    ]);
  });
  it('range / oneHot / constant / stopGradient with symbols', () => {
    const [r, oh, c, sg] = run1(
      [f([3], [5, 6, 7]), i32([2], [2, 0])],
      (b, [x, idx]) => [b.range('N'), idx!.oneHot('N'), b.constant([1, 2, 3, 4], 'float32', [2, 2]), x!.stopGradient()],
      [['N'], [2]],
    );
    expect(values(r!)).toEqual([0, 1, 2]);
    expect(oh!.shape).toEqual([2, 3]);
    expect(values(oh!)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(values(c!)).toEqual([1, 2, 3, 4]);
    expect(values(sg!)).toEqual([5, 6, 7]);
  });
  it('softmaxCrossEntropy and its gradient, which is exactly 0 on rows with g = 0', () => {
    const logits = f([2, 3], [0, 0, 0, 1, 2, 3]);
    const [ce] = run1([logits, i32([2], [2, 0])], (_, [x, l]) => x!.softmaxCrossEntropy(l!));
    const lse1 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(values(ce!)[0]).toBeCloseTo(Math.log(3), 14);
    expect(values(ce!)[1]).toBeCloseTo(lse1 - 1, 14);
    const [g] = run1(
      [logits, i32([2], [2, 0]), f([2], [0.5, 0])],
      (b, [x, l, w]) => b.apply('softmaxCrossEntropyGrad', [x!, l!, w!], {})[0]!,
    );
    expect(
      values(g!)
        .slice(0, 3)
        .map((v) => v * 6),
    ).toEqual([1, 1, -2].map((v) => expect.closeTo(v, 12)));
    expect(values(g!).slice(3)).toEqual([0, 0, 0]);
  });
  it('smoothL1 on both sides of |x| = 1', () => {
    const [y] = run1([f([5], [-3, -1, -0.5, 0, 2])], (_, [x]) => x!.smoothL1());
    expect(values(y!)).toEqual([2.5, 0.5, 0.125, 0, 1.5]);
  });
  it('gatherRows takes whole rows per batch entry', () => {
    const [r] = run1(
      [f([2, 3, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), i32([2, 2], [2, 2, 0, 1])],
      (_, [x, idx]) => x!.gatherRows(idx!),
    );
    expect(r!.shape).toEqual([2, 2, 2]);
    expect(values(r!)).toEqual([5, 6, 5, 6, 7, 8, 9, 10]);
  });
  it('scatterElements max keeps the largest of the data and every update, whatever their order', () => {
    const [m] = run1(
      [i32([1, 3], [-1, -1, 5]), i32([1, 4], [0, 0, 2, 1]), i32([1, 4], [3, 7, 2, -4])],
      (_, [x, idx, u]) => x!.scatterElements(idx!, u!, 1, 'max'),
    );
    expect(values(m!)).toEqual([7, -1, 5]);
  });
  it('topk with a tensor k: the output size is the value of k (a data-dependent dim)', () => {
    const [v, i, r] = run1([f([2, 4], [1, 4, 4, 2, 0, 3, 1, 3]), i32([], [3])], (b, [x, k]) => {
      const [vals, idx] = x!.topk(k!, 1);
      return [vals, idx, b.range(idx.shape[1]!)];
    });
    expect(v!.shape).toEqual([2, 3]);
    expect(values(v!)).toEqual([4, 4, 2, 3, 3, 1]);
    expect(values(i!)).toEqual([1, 2, 3, 1, 3, 2]);
    expect(values(r!)).toEqual([0, 1, 2]);
    expect(() => run1([f([1, 2], [1, 2]), i32([], [3])], (_, [x, k]) => x!.topk(k!, 1)[0])).toThrow(
      /k=3 outside \[0, 2\]/,
    );
  });
});
