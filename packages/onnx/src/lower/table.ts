import type { LoweringTable } from './context.js';
import { CONVOLUTION } from './convolution.js';
import { ELEMENTWISE } from './elementwise.js';
import { FUSED } from './fused.js';
import { INDEXING } from './indexing.js';
import { NETWORKS } from './networks.js';
import { REDUCE } from './reduce.js';
import { SHAPE } from './shape.js';

/**
 * IR op -> ONNX nodes, for every op of the IR (exhaustive at the type level). CONVOLUTION comes after NETWORKS:
 * its lowerings replace the placeholders there.
 */
export const LOWERINGS: LoweringTable = {
  ...ELEMENTWISE,
  ...REDUCE,
  ...SHAPE,
  ...INDEXING,
  ...FUSED,
  ...NETWORKS,
  ...CONVOLUTION,
};
