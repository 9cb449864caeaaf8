import { LossGraphError } from '../errors.js';
import type { OpAttrs } from '../ir/ops.js';
import type { ValueType } from '../ir/types.js';
import { OPS } from '../ops/registry.js';
import { type OpCase, opCase } from './op-case.js';
import { seededRandom } from './random.js';

type Pair = [number, number];
type RandomOp = 'conv2d' | 'convTranspose2d' | 'maxPool2d' | 'avgPool2d';

const float = (shape: ValueType['shape']): ValueType => ({ dtype: 'float32', shape });

/**
 * Convolutions and pools of random geometry (groups, kernels, strides, dilations, asymmetric pads, ceil mode,
 * output padding), drawn from a seed so that a failure names a reproducible case. Geometry the shape rules
 * refuse is drawn again. They catch the lowerings' bookkeeping (pads, crops, output padding) on shapes
 * nobody wrote down.
 */
export function randomConvPoolCases(count: number, seed: number): OpCase[] {
  const r = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pair = (lo: number, hi: number): Pair => [int(lo, hi), int(lo, hi)];
  const ops: readonly RandomOp[] = ['conv2d', 'convTranspose2d', 'maxPool2d', 'avgPool2d'];
  const cases: OpCase[] = [];
  for (let tries = 0; cases.length < count && tries < 100 * count; tries++) {
    const op = ops[cases.length % ops.length] ?? 'conv2d';
    const kernel = pair(1, 3);
    const strides = pair(1, 3);
    const dilations = pair(1, 2);
    const reach = kernel.map((k, i) => (k - 1) * (dilations[i] ?? 1));
    const [rh = 0, rw = 0] = reach;
    const conv = op === 'conv2d' || op === 'convTranspose2d';
    // convs may pad past the kernel's reach; pools at most half of it (PyTorch's limit)
    const padMax = (reachOf: number) => (conv ? reachOf + 1 : Math.floor((reachOf + 1) / 2));
    const pads: OpAttrs['conv2d']['pads'] = [
      int(0, padMax(rh)),
      int(0, padMax(rw)),
      int(0, padMax(rh)),
      int(0, padMax(rw)),
    ];
    const size: Pair = [
      int(Math.max(1, rh + 1 - pads[0] - pads[2]), rh + 6),
      int(Math.max(1, rw + 1 - pads[1] - pads[3]), rw + 6),
    ];
    const made = conv
      ? convCase(op, int, kernel, { strides, dilations, pads }, size)
      : poolCase(op, r, kernel, { strides, dilations, pads }, size);
    if (made !== undefined) cases.push({ ...made, name: `random/${made.name}` });
  }
  return cases;
}

type Window = Pick<OpAttrs['conv2d'], 'strides' | 'dilations' | 'pads'>;

function describe(k: Pair, w: Window, size: Pair): string {
  return `k${k.join('x')} s${w.strides.join('x')} d${w.dilations.join('x')} p${w.pads.join(',')} in${size.join('x')}`;
}

/** Whether the op's shape rule accepts these inputs and attributes. */
function accepted(op: RandomOp, inputs: readonly ValueType[], attrs: OpAttrs[RandomOp]): boolean {
  try {
    (OPS[op].rule as (i: readonly ValueType[], a: OpAttrs[RandomOp]) => ValueType[])(inputs, attrs);
    return true;
  } catch (e) {
    if (LossGraphError.isInstance(e)) return false;
    throw e;
  }
}

function convCase(
  op: 'conv2d' | 'convTranspose2d',
  int: (lo: number, hi: number) => number,
  kernel: Pair,
  w: Window,
  size: Pair,
): OpCase | undefined {
  const depthwise = int(0, 2) === 0;
  const group = depthwise ? int(2, 3) : int(1, 2);
  const cg = depthwise ? 1 : int(1, 2);
  const og = int(1, 2);
  const c = group * cg;
  const attrs = { ...w, group };
  const x = float(['N', c, ...size]);
  if (op === 'conv2d') {
    const weight = float([group * og, cg, ...kernel]);
    if (!accepted(op, [x, weight], attrs)) return undefined;
    return opCase({
      name: `conv2d g${group} ${describe(kernel, w, size)}`,
      op,
      inputs: { x: { ...x, draw: 'normal' }, w: { ...weight, draw: 'normal' } },
      build: (_, { x: a, w: b }) => [a.conv2d(b, attrs)],
    });
  }
  const outputPadding: Pair = [int(0, w.strides[0] - 1), int(0, w.strides[1] - 1)];
  const tAttrs = { ...attrs, outputPadding };
  const weight = float([c, og, ...kernel]);
  if (!accepted(op, [x, weight], tAttrs)) return undefined;
  return opCase({
    name: `convTranspose2d g${group} op${outputPadding.join('x')} ${describe(kernel, w, size)}`,
    op,
    inputs: { x: { ...x, draw: 'normal' }, w: { ...weight, draw: 'normal' } },
    build: (_, { x: a, w: b }) => [a.convTranspose2d(b, tAttrs)],
  });
}

function poolCase(
  op: 'maxPool2d' | 'avgPool2d',
  r: () => number,
  kernelSize: Pair,
  w: Window,
  size: Pair,
): OpCase | undefined {
  const ceilMode = r() < 0.5;
  const x = float(['N', 2, ...size]);
  // PyTorch's average pooling has no dilation
  const window: Window = op === 'avgPool2d' ? { ...w, dilations: [1, 1] } : w;
  const attrs = { ...window, kernelSize, ceilMode };
  const suffix = `${ceilMode ? ' ceil' : ''} ${describe(kernelSize, window, size)}`;
  if (op === 'maxPool2d') {
    if (!accepted(op, [x], attrs)) return undefined;
    return opCase({
      name: `maxPool2d${suffix}`,
      op,
      inputs: { x: { ...x, draw: 'normal' } },
      build: (_, { x: a }) => [a.maxPool2d(attrs)],
    });
  }
  const avgAttrs = { ...attrs, countIncludePad: r() < 0.5 };
  if (!accepted(op, [x], avgAttrs)) return undefined;
  return opCase({
    name: `avgPool2d${avgAttrs.countIncludePad ? ' include-pad' : ''}${suffix}`,
    op,
    inputs: { x: { ...x, draw: 'normal' } },
    build: (_, { x: a }) => [a.avgPool2d(avgAttrs)],
  });
}
