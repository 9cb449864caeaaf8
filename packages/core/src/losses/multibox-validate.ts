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
 * The MultiBoxLoss program's `checkInputs` (always run, even with `validate: false`): the graph needs at
 * least one image, one default box, one truth row (padding, when an image has none: argmax over zero
 * truths has no answer) and two classes (background and one object class). Zero-size tensors crash or
 * hang some runtimes (onnxruntime-node's GatherElements divides by B), so these are refused up front.
 * Reads shapes only.
 */
export function checkMultiboxInputs(feeds: Feeds): void {
  const need = (tensor: string, expected: string, actual: readonly number[], why: string) =>
    fail('SHAPE_MISMATCH', `'${tensor}': expected shape ${expected}, got [${actual}]: ${why}`, { tensor, expected, actual });
  const loc = feeds.loc_data!.shape;
  const conf = feeds.conf_data!.shape;
  const targets = feeds.targets!.shape;
  if (loc[0]! < 1) need('loc_data', '[B,P,4] with B >= 1', loc, 'the batch is empty');
  if (loc[1]! < 1) need('loc_data', '[B,P,4] with P >= 1', loc, 'there are no default boxes');
  if (conf[2]! < 2) need('conf_data', '[B,P,C] with C >= 2', conf, 'C counts the background class and at least one object class');
  if (targets[1]! < 1) {
    need('targets', '[B,M,5] with M >= 1', targets, 'pad an image without truths with one zero row and num_objs 0 (packTargets does this)');
  }
}

/** Default boxes need a positive width and height: encoding divides by them and takes the log of the ratio. */
function checkPriors(dbox: HostTensor): void {
  const P = dbox.shape[0]!;
  for (let p = 0; p < P; p++) {
    const [cx, cy, w, h] = [0, 1, 2, 3].map((k) => dbox.data[p * 4 + k]!);
    if (!(w! > 0 && h! > 0)) {
      fail('DEGENERATE_BOX', `'dbox_list' row ${p}: default box (cx ${cx}, cy ${cy}, w ${w}, h ${h}) needs w > 0 and h > 0 (encoding divides by them)`, {
        tensor: 'dbox_list',
        row: p,
      });
    }
  }
}

/** num_objs in [0, M], then every real row of `targets`: finite, non-degenerate, label in [0, C-2]. */
function checkTruths(targets: HostTensor, numObjs: HostTensor, C: number): void {
  const [B, M] = targets.shape as [number, number, number];
  for (let b = 0; b < B; b++) {
    const n = numObjs.data[b]!;
    if (!(Number.isInteger(n) && n >= 0 && n <= M)) {
      fail('NUM_OBJS_OUT_OF_RANGE', `'num_objs' image ${b}: ${n} real rows, expected 0 <= num_objs[${b}] <= M = ${M} (the rows 'targets' holds per image)`, {
        tensor: 'num_objs',
        image: b,
        index: [b],
      });
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

/**
 * The MultiBoxLoss program's `validateInputs` (value scans, skipped by `validate: false`), after the
 * shape checks and `checkMultiboxInputs`: finite loc_data, conf_data and dbox_list, default boxes of
 * positive size, num_objs in [0, M], and real target rows that are finite, non-degenerate, with labels
 * in [0, C-2]. Rows past num_objs are padding and are not checked. Throws the first problem found as a
 * LossGraphError naming the tensor.
 */
export function validateMultiboxInputs(feeds: Feeds): void {
  for (const name of ['loc_data', 'conf_data', 'dbox_list'] as const) {
    const t = feeds[name]!;
    const at = firstNonFinite(t);
    if (at >= 0) {
      const index = unravel(at, t.shape);
      fail('NON_FINITE', `'${name}' holds a non-finite value ${t.data[at]} at index [${index}] (shape [${t.shape}])`, { tensor: name, index });
    }
  }
  checkPriors(feeds.dbox_list!);
  checkTruths(feeds.targets!, feeds.num_objs!, feeds.conf_data!.shape[2]!);
}
