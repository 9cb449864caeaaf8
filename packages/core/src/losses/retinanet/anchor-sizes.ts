/** torchvision RetinaNet's anchor sizes per level: (x, int(x 2^(1/3)), int(x 2^(2/3))) for each base size x. */
export function retinanetAnchorSizes(bases: readonly number[]): number[][] {
  return bases.map((x) => [x, Math.trunc(x * 2 ** (1 / 3)), Math.trunc(x * 2 ** (2 / 3))]);
}
