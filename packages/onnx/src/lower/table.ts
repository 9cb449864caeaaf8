import { ACTIVATIONS } from './activations.js';
import type { LoweringTable } from './context.js';
import { CONVOLUTION } from './convolution.js';
import { ELEMENTWISE } from './elementwise.js';
import { FUSED } from './fused.js';
import { INDEXING } from './indexing.js';
import { NETWORKS } from './networks.js';
import { REDUCE } from './reduce.js';
import { SHAPE } from './shape.js';

/**
 * IR op -> ONNX nodes, for every op of the IR (exhaustive at the type level). ACTIVATIONS and CONVOLUTION come
 * after NETWORKS, whose placeholder entries for the same ops they replace.
 */
export const LOWERINGS: LoweringTable = {
  ...ELEMENTWISE,
  ...REDUCE,
  ...SHAPE,
  ...INDEXING,
  ...FUSED,
  ...NETWORKS,
  ...ACTIVATIONS,
  ...CONVOLUTION,
};
