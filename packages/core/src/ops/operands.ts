import { fail } from '../errors.js';

/** The one operand of a unary node (its arity guarantees it; a malformed node is an error, not a crash). */
export function one<T>(op: string, [a]: readonly T[]): T {
  if (a === undefined) fail('INVALID_GRAPH', `${op}: missing operand`);
  return a;
}

/** The two operands of a binary node. */
export function two<T>(op: string, [a, b]: readonly T[]): [T, T] {
  if (a === undefined || b === undefined) fail('INVALID_GRAPH', `${op}: missing operand`);
  return [a, b];
}
