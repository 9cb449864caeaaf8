import { ACTIVATIONS } from './activations.js';
import type { LoweringTable } from './context.js';
import { CONVOLUTION } from './convolution.js';
import { ELEMENTWISE } from './elementwise.js';
import { FUSED } from './fused.js';
import { INDEXING } from './indexing.js';
import { REDUCE } from './reduce.js';
import { SHAPE } from './shape.js';

/** IR op -> ONNX nodes, for every op of the IR (exhaustive at the type level). */
export const LOWERINGS: LoweringTable = {
  ...ELEMENTWISE,
  ...REDUCE,
  ...SHAPE,
  ...INDEXING,
  ...FUSED,
  ...ACTIVATIONS,
  ...CONVOLUTION,
};
