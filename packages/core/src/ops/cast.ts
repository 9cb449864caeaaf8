import { defineOp } from './define.js';
import { mapUnary, toInt32 } from './kernel-util.js';

/** Converts dtype: float -> int32 truncates toward zero, -> bool is `!= 0`, bool -> number is 0 or 1. */
export const cast = defineOp<'cast', 1>({
  arity: 1,
  rule: ([a], { to }) => [{ dtype: to, shape: a.shape }],
  kernel: ([a], { to }) => [
    mapUnary(a, to, to === 'bool' ? (x) => (x !== 0 ? 1 : 0) : to === 'int32' ? toInt32 : (x) => x),
  ],
  // Casting is where integer and boolean paths begin or end: no gradient crosses it.
  vjp: null,
});
