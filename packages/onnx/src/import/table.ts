import type { ConverterTable } from './context.js';
import { BATCH_NORM_OPS } from './ops/batch-norm.js';
import { CONV_OPS } from './ops/conv.js';
import { ELEMENTWISE } from './ops/elementwise.js';
import { LINEAR_OPS } from './ops/linear.js';
import { POOL_OPS } from './ops/pool.js';
import { SHAPE_OPS } from './ops/shape.js';

/** Every ONNX op (default domain) the importer converts, by op_type. */
export const CONVERTERS: ConverterTable = {
  ...ELEMENTWISE,
  ...SHAPE_OPS,
  ...CONV_OPS,
  ...POOL_OPS,
  ...LINEAR_OPS,
  ...BATCH_NORM_OPS,
};
