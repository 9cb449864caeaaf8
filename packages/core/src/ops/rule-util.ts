import { fail } from '../errors.js';
import { broadcastShapes, shapeToString } from '../ir/shape.js';
import type { DType, Shape, ValueType } from '../ir/types.js';

export function expectDtype(op: string, t: ValueType, allowed: readonly DType[], which = 'input'): void {
  if (!allowed.includes(t.dtype)) {
    fail('INVALID_GRAPH', `${op}: ${which} has dtype ${t.dtype}, expected ${allowed.join(' or ')}`);
  }
}

export function expectSameDtype(op: string, a: ValueType, b: ValueType): void {
  if (a.dtype !== b.dtype) fail('INVALID_GRAPH', `${op}: dtypes differ (${a.dtype} vs ${b.dtype})`);
}

export function expectRankAtLeast(op: string, t: ValueType, rank: number): void {
  if (t.shape.length < rank)
    fail('INVALID_GRAPH', `${op}: rank ${t.shape.length} ${shapeToString(t.shape)} below ${rank}`);
}

export function expectAxis(op: string, axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank)
    fail('INVALID_GRAPH', `${op}: axis ${axis} out of range for rank ${rank}`);
}

export const NUMERIC: readonly DType[] = ['float32', 'int32'];
export const FLOAT: readonly DType[] = ['float32'];

/** Binary elementwise rule: same dtype in `allowed`, broadcast shapes, result dtype `out` (default: input). */
export function binaryRule(op: string, allowed: readonly DType[], out?: DType) {
  return ([a, b]: readonly [ValueType, ValueType]): ValueType[] => {
    expectDtype(op, a, allowed, 'first input');
    expectSameDtype(op, a, b);
    return [{ dtype: out ?? a.dtype, shape: broadcastShapes(a.shape, b.shape) }];
  };
}

export function unaryRule(op: string, allowed: readonly DType[]) {
  return ([a]: readonly [ValueType]): ValueType[] => {
    expectDtype(op, a, allowed);
    return [{ dtype: a.dtype, shape: a.shape }];
  };
}

export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): Shape {
  const out = [];
  for (const [i, d] of shape.entries()) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(d);
  }
  return out;
}

export function expectAxes(op: string, axes: readonly number[], rank: number): void {
  for (const a of axes) expectAxis(op, a, rank);
  if (new Set(axes).size !== axes.length) fail('INVALID_GRAPH', `${op}: repeated axis in [${axes}]`);
}
