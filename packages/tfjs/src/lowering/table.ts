import { activations } from './activations.js';
import { convolution } from './convolution.js';
import { elementwise } from './elementwise.js';
import { fused } from './fused.js';
import { indexing } from './indexing.js';
import { reductions } from './reductions.js';
import { shapeOps } from './shape.js';
import { sorting } from './sorting.js';
import type { LoweringTable } from './types.js';

/**
 * Every IR op lowered to @tensorflow/tfjs-core ops. Typed exhaustively: an IR op without an entry here
 * (a lowering, or `{ unsupported: reason }`) does not compile.
 */
export const LOWERINGS: LoweringTable = {
  ...elementwise,
  ...reductions,
  ...shapeOps,
  ...indexing,
  ...sorting,
  ...fused,
  ...activations,
  ...convolution,
};
