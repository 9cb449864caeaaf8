import type { LoweringContext } from './context.js';
import { sign } from './webgpu.js';

/** tan(pi/8) and tan(3pi/8): the bounds of the three ranges of the argument reduction. */
const TAN_PI_8 = 0.41421356237309503;
const TAN_3PI_8 = 2.414213562373095;
/** Minimax coefficients of (atan(u) - u) / u^3 in u^2 on |u| <= tan(pi/8) (float32 accuracy, Cephes atanf). */
const POLY = [8.05374449538e-2, -1.38776856032e-1, 1.99777106478e-1, -3.33329491539e-1] as const;

/**
 * Atan without the ONNX Atan op, which onnxruntime's CUDA provider does not implement: the classic
 * float32 reduction (Cephes atanf). For a = |x|: a > tan(3pi/8) -> pi/2 + atan(-1/a); a > tan(pi/8) ->
 * pi/4 + atan((a-1)/(a+1)); then atan(u) = u + u^3 P(u^2) on |u| <= tan(pi/8), and the sign of x back.
 * Error about 1e-7 relative, float32's own rounding. The gradient is the IR op's VJP, 1/(1+x^2).
 */
export function lowerAtan(c: LoweringContext<'atan'>): void {
  const e = c.e;
  const f = (v: number) => e.scalar('float32', v);
  const [x] = c.inputs as [string];
  const a = e.op('Abs', [x], 'float32');
  const big = e.op('Greater', [a, f(TAN_3PI_8)], 'bool');
  const mid = e.op('Greater', [a, f(TAN_PI_8)], 'bool');
  // the reduced argument u and the offset atan adds back, per range (big wins over mid)
  const inv = e.op('Neg', [e.op('Div', [f(1), e.op('Max', [a, f(TAN_PI_8)], 'float32')], 'float32')], 'float32');
  const shifted = e.op('Div', [e.op('Sub', [a, f(1)], 'float32'), e.op('Add', [a, f(1)], 'float32')], 'float32');
  const u = e.op('Where', [big, inv, e.op('Where', [mid, shifted, a], 'float32')], 'float32');
  const offset = e.op('Where', [big, f(Math.PI / 2), e.op('Where', [mid, f(Math.PI / 4), f(0)], 'float32')], 'float32');
  const z = e.op('Mul', [u, u], 'float32');
  let p = f(POLY[0]);
  for (const k of POLY.slice(1)) p = e.op('Add', [e.op('Mul', [p, z], 'float32'), f(k)], 'float32');
  const atanU = e.op('Add', [e.op('Mul', [e.op('Mul', [p, z], 'float32'), u], 'float32'), u], 'float32');
  const atanA = e.op('Add', [offset, atanU], 'float32');
  e.op('Mul', [atanA, sign(e, x, 'float32')], c.out(0));
}
