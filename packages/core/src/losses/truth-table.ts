import type { GraphBuilder, Tensor } from '../builder.js';

/**
 * The real rows of padded `targets` [B,M,5] (row r of image b is real when r < num_objs[b]) and the
 * targets with every padding row replaced by the unit box (0, 0, 1, 1, label 0), so that encoding,
 * decoding or dividing by a padding row stays finite; callers make sure padding is never matched.
 */
export function paddedTruths(b: GraphBuilder, targets: Tensor, numObjs: Tensor): { valid: Tensor; table: Tensor } {
  const valid = b.range('M').less(numObjs.unsqueeze(1)); // [B,M]
  const table = b.where(valid.unsqueeze(2), targets, b.constant([0, 0, 1, 1, 0], 'float32', [5])); // [B,M,5]
  return { valid, table };
}
