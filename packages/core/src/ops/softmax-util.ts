import { fail } from '../errors.js';
import { sameShape, shapeToString } from '../ir/shape.js';
import type { ValueType } from '../ir/types.js';
import { expectDtype, FLOAT } from './rule-util.js';

/** Checks logits [..., C] (float32) against int32 labels [...]: the shape rule shared by the cross-entropy ops. */
export function expectLogitsAndLabels(op: string, logits: ValueType, labels: ValueType): void {
  expectDtype(op, logits, FLOAT, 'logits');
  expectDtype(op, labels, ['int32'], 'labels');
  if (logits.shape.length < 1 || !sameShape(logits.shape.slice(0, -1), labels.shape)) {
    fail(
      'INVALID_GRAPH',
      `${op}: labels ${shapeToString(labels.shape)} must have the shape of logits ${shapeToString(logits.shape)} without its last axis`,
    );
  }
}

/** logsumexp of row `row` (length c) of `x`, max-shifted. */
export function rowLogSumExp(x: ArrayLike<number>, row: number, c: number): number {
  let m = -Infinity;
  for (let k = 0; k < c; k++) m = Math.max(m, x[row * c + k]!);
  let s = 0;
  for (let k = 0; k < c; k++) s += Math.exp(x[row * c + k]! - m);
  return m + Math.log(s);
}

export function checkLabel(label: number, c: number, op: string): number {
  if (!(Number.isInteger(label) && label >= 0 && label < c))
    fail('KERNEL_ERROR', `${op}: label ${label} out of range [0, ${c})`, { op });
  return label;
}
