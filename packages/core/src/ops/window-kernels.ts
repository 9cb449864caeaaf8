import type { Conv2dAttrs, Pool2dAttrs } from '../ir/ops.js';

/**
 * The sizes of one 2-D convolution: input [n, cin, h, w], weight [cout, cin/group, kh, kw], output
 * [n, cout, ho, wo]. Shared by conv2d, its two gradients and convTranspose2d (a conv2d read backwards).
 */
export interface ConvGeometry {
  readonly n: number;
  readonly cin: number;
  readonly h: number;
  readonly w: number;
  readonly cout: number;
  readonly ho: number;
  readonly wo: number;
  readonly kh: number;
  readonly kw: number;
  readonly attrs: Conv2dAttrs;
}

/**
 * Calls `visit(xAt, wAt, yAt)` for every product x[xAt]·w[wAt] that conv2d adds into y[yAt] (flat row-major
 * offsets). Taps that fall in the padding are skipped. The three conv kernels are this loop with a different
 * accumulation, so they agree by construction.
 */
export function forEachConvTap(g: ConvGeometry, visit: (xAt: number, wAt: number, yAt: number) => void): void {
  const { strides, pads, dilations, group } = g.attrs;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const [pt, pl] = pads;
  const cg = g.cin / group;
  const og = g.cout / group;
  for (let n = 0; n < g.n; n++) {
    for (let o = 0; o < g.cout; o++) {
      const firstChannel = Math.floor(o / og) * cg;
      for (let i = 0; i < g.ho; i++) {
        for (let j = 0; j < g.wo; j++) {
          const yAt = ((n * g.cout + o) * g.ho + i) * g.wo + j;
          for (let c = 0; c < cg; c++) {
            const plane = (n * g.cin + firstChannel + c) * g.h;
            for (let a = 0; a < g.kh; a++) {
              const row = i * sh - pt + a * dh;
              if (row < 0 || row >= g.h) continue;
              for (let b = 0; b < g.kw; b++) {
                const col = j * sw - pl + b * dw;
                if (col < 0 || col >= g.w) continue;
                visit((plane + row) * g.w + col, ((o * cg + c) * g.kh + a) * g.kw + b, yAt);
              }
            }
          }
        }
      }
    }
  }
}

/** The windows of a 2-D pool over one [h, w] plane, computed once and shared by every plane. */
export interface PoolWindows {
  readonly ho: number;
  readonly wo: number;
  /** per output cell (row-major), the plane offsets of its taps inside the input, in row-major window order */
  readonly taps: readonly (readonly number[])[];
  /** per output cell, its taps inside the input and the padding, not past it (the ceil-mode overhang excluded) */
  readonly paddedCounts: readonly number[];
}

export function poolWindows(h: number, w: number, ho: number, wo: number, a: Pool2dAttrs): PoolWindows {
  const [kh, kw] = a.kernelSize;
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  const [pt, pl, pb, pr] = a.pads;
  const taps: number[][] = [];
  const paddedCounts: number[] = [];
  for (let i = 0; i < ho; i++) {
    for (let j = 0; j < wo; j++) {
      const inside: number[] = [];
      let padded = 0;
      for (let p = 0; p < kh; p++) {
        const row = i * sh - pt + p * dh;
        for (let q = 0; q < kw; q++) {
          const col = j * sw - pl + q * dw;
          if (row < h + pb && col < w + pr) padded++;
          if (row >= 0 && row < h && col >= 0 && col < w) inside.push(row * w + col);
        }
      }
      taps.push(inside);
      paddedCounts.push(padded);
    }
  }
  return { ho, wo, taps, paddedCounts };
}

/** The divisor of each output cell of avgPool2d (PyTorch's rule; see ir/ops.ts). */
export function avgPoolDivisors(win: PoolWindows, countIncludePad: boolean): number[] {
  return countIncludePad ? [...win.paddedCounts] : win.taps.map((t) => t.length);
}

/**
 * The offset (within the plane at `base`) of the first maximum of each window, in row-major window order, as
 * PyTorch picks it: a later tap wins only if strictly greater, or if it is NaN (NaN propagates).
 */
export function firstMaxima(x: ArrayLike<number>, base: number, win: PoolWindows): number[] {
  return win.taps.map((taps) => {
    let best = -1;
    let max = Number.NEGATIVE_INFINITY;
    for (const t of taps) {
      const v = x[base + t] ?? Number.NaN;
      if (best < 0 || v > max || Number.isNaN(v)) {
        best = t;
        max = v;
      }
    }
    return best;
  });
}

/**
 * The divisor of each output cell of avgPool2d over an input of `inputSize` (row-major over `outSize`), for
 * backends that pool with a sum and scale: the count of taps inside the input (`countIncludePad` false) or
 * inside the input and its padding.
 */
export function poolDivisors(
  [h, w]: readonly [number, number],
  [ho, wo]: readonly [number, number],
  attrs: Pool2dAttrs,
  countIncludePad: boolean,
): number[] {
  return avgPoolDivisors(poolWindows(h, w, ho, wo, attrs), countIncludePad);
}

/**
 * The end pad after which a floor-mode window op over `size` cells (with `padBegin` before them) has
 * exactly `out` windows, the last one ending on the last cell: negative where cells are left over (crop
 * them; no window reads them). Backends lower ceil mode and gradients with it.
 */
export function windowEndPad(
  size: number,
  out: number,
  kernel: number,
  stride: number,
  dilation: number,
  padBegin: number,
): number {
  return (out - 1) * stride + (kernel - 1) * dilation + 1 - size - padBegin;
}
