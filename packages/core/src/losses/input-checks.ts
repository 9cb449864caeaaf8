import type { Feeds, HostTensor } from '../backend/contract.js';
import { feed } from '../backend/feed.js';
import { fail } from '../errors.js';
import { dimAt } from '../ir/shape.js';

/** Values summed per call of `sumOf`: small calls make it hot early, so V8 optimises it as a whole function. */
const CHUNK = 1 << 16;

/**
 * The sum of data[from, to), in float64 with four independent sums: V8 neither vectorises nor reorders
 * float adds, and one running sum waits on each add. An indexed loop: for-of over a typed array is an
 * order of magnitude slower.
 */
function sumOf(data: HostTensor['data'], from: number, to: number): number {
  const end = to - ((to - from) % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = from;
  for (; i < end; i += 4) {
    s0 += data[i] as number;
    s1 += data[i + 1] as number;
    s2 += data[i + 2] as number;
    s3 += data[i + 3] as number;
  }
  for (; i < to; i++) s0 += data[i] as number;
  return s0 + s1 + s2 + s3;
}

/**
 * True when every value is finite, in one pass (what `validate: true` pays on good feeds). The sum is
 * non-finite exactly when some value is (NaN, or an infinity, or infinities of both signs) or, for
 * float64 data only, when finite values overflow: a float64 sum of float32 values cannot. A false "no"
 * only sends the tensor to the exact scan below, which names the place or finds nothing.
 */
function allFinite(data: HostTensor['data']): boolean {
  let sum = 0;
  // in chunks: one call over tens of millions of values would run V8's slower on-stack-replaced code
  for (let at = 0; at < data.length; at += CHUNK) sum += sumOf(data, at, Math.min(at + CHUNK, data.length));
  return Number.isFinite(sum);
}

function firstNonFinite(t: HostTensor): number {
  let i = 0;
  for (const v of t.data) {
    if (!Number.isFinite(v)) return i;
    i++;
  }
  return -1;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = dimAt(shape, a);
    idx[a] = flat % d;
    flat = Math.floor(flat / d);
  }
  return idx;
}

/** Fails (SHAPE_MISMATCH naming the tensor and why) when a tensor's axis is below the size the graph needs. */
export function requireAxisSize(
  tensor: string,
  layout: string,
  shape: readonly number[],
  axis: number,
  min: number,
  symbol: string,
  why: string,
): void {
  if (dimAt(shape, axis) < min) {
    fail('SHAPE_MISMATCH', `'${tensor}': expected shape ${layout} with ${symbol} >= ${min}, got [${shape}]: ${why}`, {
      tensor,
      expected: `${layout} with ${symbol} >= ${min}`,
      actual: shape,
    });
  }
}

/** Fails (NON_FINITE naming the tensor and index) on the first NaN or infinity of each named feed. */
export function requireFinite(feeds: Feeds, names: readonly string[]): void {
  for (const name of names) {
    const t = feed(feeds, name);
    if (allFinite(t.data)) continue;
    const at = firstNonFinite(t);
    if (at >= 0) {
      const index = unravel(at, t.shape);
      fail('NON_FINITE', `'${name}' holds a non-finite value ${t.data[at]} at index [${index}] (shape [${t.shape}])`, {
        tensor: name,
        index,
      });
    }
  }
}

/**
 * Every row of a box tensor [N, 4] passes `valid` (called with the row's four numbers, in one tight pass
 * without allocation); the first row that does not fails as DEGENERATE_BOX naming the tensor and row,
 * with `why(row)` saying what is wrong with it.
 */
export function requireBoxRows(
  boxes: HostTensor,
  tensor: string,
  valid: (a: number, b: number, c: number, d: number) => boolean,
  why: (row: readonly [number, number, number, number]) => string,
): void {
  const N = dimAt(boxes.shape, 0);
  const data = boxes.data;
  for (let r = 0; r < N; r++) {
    // a row cut short (a shape check missed) reads NaN, which every rule refuses
    const a = data[r * 4] ?? NaN;
    const b = data[r * 4 + 1] ?? NaN;
    const c = data[r * 4 + 2] ?? NaN;
    const d = data[r * 4 + 3] ?? NaN;
    if (!valid(a, b, c, d)) fail('DEGENERATE_BOX', `'${tensor}' row ${r}: ${why([a, b, c, d])}`, { tensor, row: r });
  }
}

/** Where a label is valid: [0, max] with the reason, for the message. */
export interface LabelRange {
  readonly max: number;
  readonly why: string;
}

/**
 * num_objs in [0, M], then every real row of `targets` [B,M,5]: finite, xmax > xmin and ymax > ymin,
 * an integer label in [0, labels.max]. Rows past num_objs are padding and are not checked.
 */
export function checkTruthRows(targets: HostTensor, numObjs: HostTensor, labels: LabelRange, boxWhy: string): void {
  const [B, M] = targets.shape as [number, number, number];
  for (let b = 0; b < B; b++) {
    const n = numObjs.data[b] ?? NaN; // a short num_objs reads NaN, refused below
    if (!(Number.isInteger(n) && n >= 0 && n <= M)) {
      fail(
        'NUM_OBJS_OUT_OF_RANGE',
        `'num_objs' image ${b}: ${n} real rows, expected 0 <= num_objs[${b}] <= M = ${M} (the rows 'targets' holds per image)`,
        {
          tensor: 'num_objs',
          image: b,
          index: [b],
        },
      );
    }
    for (let r = 0; r < n; r++) {
      const row = Array.from(targets.data.subarray((b * M + r) * 5, (b * M + r + 1) * 5));
      const where = { tensor: 'targets', image: b, row: r };
      const col = row.findIndex((v) => !Number.isFinite(v));
      if (col >= 0)
        fail(
          'NON_FINITE',
          `'targets' image ${b} row ${r} holds a non-finite value ${row[col]} at index [${b},${r},${col}]`,
          { ...where, index: [b, r, col] },
        );
      const [x1, y1, x2, y2, label] = row as [number, number, number, number, number];
      if (!(x2 > x1 && y2 > y1)) {
        fail(
          'DEGENERATE_BOX',
          `'targets' image ${b} row ${r}: box (${x1}, ${y1}, ${x2}, ${y2}) needs xmax > xmin and ymax > ymin (${boxWhy})`,
          where,
        );
      }
      if (!(Number.isInteger(label) && label >= 0 && label <= labels.max)) {
        fail(
          'LABEL_OUT_OF_RANGE',
          `'targets' image ${b} row ${r}: label ${label} outside [0, ${labels.max}] (${labels.why})`,
          where,
        );
      }
    }
  }
}
