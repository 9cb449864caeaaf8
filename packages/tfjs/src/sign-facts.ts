import type { Graph, Node } from '@lossgraph/core';

/**
 * What is known about the sign of a value's elements before any run (NaN aside): a lower bound of
 * -inf, 0 or 1 and an upper bound of 0 or +inf. Only these bounds are tracked, so every rule is exact
 * in floating point too: rounding is monotone and keeps 0 and 1 where they are.
 */
export interface SignBounds {
  readonly lo: -1 | 0 | 1;
  readonly hi: 0 | 1;
}

/** -1 stands for -inf (lo), 1 for +inf (hi) */
const UNKNOWN: SignBounds = { lo: -1, hi: 1 };

/** Ops whose output holds some of their first input's elements, unchanged. */
const REARRANGING = new Set<Node['op']>([
  'reshape',
  'expand',
  'unsqueeze',
  'squeeze',
  'transpose',
  'slice',
  'stopGradient',
  'gather',
  'gatherElements',
  'gatherRows',
]);

const nonNeg = (s: SignBounds) => s.lo >= 0;
const nonPos = (s: SignBounds) => s.hi <= 0;
const bounds = (lo: -1 | 0 | 1, hi: 0 | 1): SignBounds => ({ lo, hi });
const negated = (s: SignBounds): SignBounds => bounds(nonPos(s) ? 0 : -1, nonNeg(s) ? 0 : 1);

function sum(a: SignBounds, b: SignBounds): SignBounds {
  const lo = nonNeg(a) && nonNeg(b) ? (a.lo + b.lo >= 1 ? 1 : 0) : -1;
  return bounds(lo, nonPos(a) && nonPos(b) ? 0 : 1);
}

/** the sign of a product: same signs give >= 0, opposite signs <= 0 (a zero factor gives ±0, both) */
function product(a: SignBounds, b: SignBounds): SignBounds {
  const sameSign = (nonNeg(a) && nonNeg(b)) || (nonPos(a) && nonPos(b));
  const opposite = (nonNeg(a) && nonPos(b)) || (nonPos(a) && nonNeg(b));
  return bounds(sameSign ? 0 : -1, opposite ? 0 : 1);
}

function ofUniform(c: number): SignBounds {
  if (Number.isNaN(c)) return UNKNOWN;
  return bounds(c >= 1 ? 1 : c >= 0 ? 0 : -1, c <= 0 ? 0 : 1);
}

/** Sign bounds of every value of `graph` that has any (`uniform`: values holding one known number). */
export function signBounds(graph: Graph, uniform: ReadonlyMap<number, number>): Map<number, SignBounds> {
  const known = new Map<number, SignBounds>();
  for (const [v, c] of uniform) known.set(v, ofUniform(c));
  const of = (v: number | undefined) => (v === undefined ? UNKNOWN : (known.get(v) ?? UNKNOWN));
  for (const node of graph.nodes) {
    const [y] = node.outputs;
    if (y === undefined || known.has(y)) continue;
    // `of` reads a missing input as unknown
    const x = of(node.inputs[0]);
    const z = of(node.inputs[1]);
    const w = of(node.inputs[2]);
    let s: SignBounds = UNKNOWN;
    switch (node.op) {
      case 'abs':
      case 'sqrt':
        s = bounds(0, 1);
        break;
      case 'exp':
        s = bounds(nonNeg(x) ? 1 : 0, 1);
        break;
      case 'log':
        s = bounds(x.lo >= 1 ? 0 : -1, 1);
        break;
      case 'neg':
        s = negated(x);
        break;
      case 'add':
        s = sum(x, z);
        break;
      case 'sub':
        s = sum(x, negated(z));
        break;
      case 'mul':
        s = product(x, z);
        break;
      case 'div':
        // only by a divisor >= 1: a zero divisor may be -0, and x / -0 is -inf for x > 0
        if (z.lo >= 1) s = bounds(nonNeg(x) ? 0 : -1, nonPos(x) ? 0 : 1);
        break;
      case 'maximum':
        s = bounds(Math.max(x.lo, z.lo) as SignBounds['lo'], nonPos(x) && nonPos(z) ? 0 : 1);
        break;
      case 'minimum':
        s = bounds(Math.min(x.lo, z.lo) as SignBounds['lo'], nonPos(x) || nonPos(z) ? 0 : 1);
        break;
      case 'where':
        s = bounds(Math.min(z.lo, w.lo) as SignBounds['lo'], Math.max(z.hi, w.hi) as SignBounds['hi']);
        break;
      case 'logSoftmax':
        s = bounds(-1, 0);
        break;
      case 'reduceSum':
        // an empty sum is 0: only the signs carry over
        s = bounds(nonNeg(x) ? 0 : -1, nonPos(x) ? 0 : 1);
        break;
      case 'reduceMax':
        // an empty max is -inf: the upper bound carries over
        s = bounds(-1, x.hi);
        break;
      default:
        if (REARRANGING.has(node.op)) s = x;
    }
    if (s.lo !== -1 || s.hi !== 1) known.set(y, s);
  }
  return known;
}
