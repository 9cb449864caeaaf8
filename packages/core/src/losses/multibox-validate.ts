import { fail } from '../errors.js';
import type { Feeds, HostTensor } from '../backend/contract.js';

function firstNonFinite(t: HostTensor): number {
  for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i]!)) return i;
  return -1;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = flat % shape[a]!;
    flat = Math.floor(flat / shape[a]!);
  }
  return idx;
}

/**
 * Value checks of MultiBoxLoss inputs, after the generic shape/dtype checks: finite loc_data, conf_data,
 * dbox_list and real target rows; num_objs in [0, M]; labels in [0, C-2]; non-degenerate truths.
 */
export function validateMultiboxInputs(feeds: Feeds): void {
  for (const name of ['loc_data', 'conf_data', 'dbox_list'] as const) {
    const t = feeds[name]!;
    const at = firstNonFinite(t);
    if (at >= 0) {
      fail('NON_FINITE', `'${name}' holds a non-finite value ${t.data[at]} at index [${unravel(at, t.shape)}]`, { tensor: name, index: unravel(at, t.shape) });
    }
  }
  const targets = feeds.targets!;
  const numObjs = feeds.num_objs!;
  const [B, M] = targets.shape as [number, number, number];
  const C = feeds.conf_data!.shape[2]!;
  for (let b = 0; b < B; b++) {
    const n = numObjs.data[b]!;
    if (!(Number.isInteger(n) && n >= 0 && n <= M)) {
      fail('NUM_OBJS_OUT_OF_RANGE', `'num_objs'[${b}] is ${n}, expected 0 <= num_objs <= M = ${M}`, { tensor: 'num_objs', image: b });
    }
    for (let r = 0; r < n; r++) {
      const row = Array.from(targets.data.subarray((b * M + r) * 5, (b * M + r + 1) * 5));
      const where = { tensor: 'targets', image: b, row: r };
      const col = row.findIndex((v) => !Number.isFinite(v));
      if (col >= 0) fail('NON_FINITE', `'targets' image ${b} row ${r} holds a non-finite value ${row[col]} at index [${b},${r},${col}]`, { ...where, index: [b, r, col] });
      const [x1, y1, x2, y2, label] = row as [number, number, number, number, number];
      if (!(x2 > x1 && y2 > y1)) {
        fail('DEGENERATE_BOX', `'targets' image ${b} row ${r}: box (${x1}, ${y1}, ${x2}, ${y2}) needs xmax > xmin and ymax > ymin (encoding takes the log of its width and height)`, where);
      }
      if (!(Number.isInteger(label) && label >= 0 && label <= C - 2)) {
        fail('LABEL_OUT_OF_RANGE', `'targets' image ${b} row ${r}: label ${label} outside [0, ${C - 2}] (C = ${C} classes, class 0 is background)`, where);
      }
    }
  }
}
