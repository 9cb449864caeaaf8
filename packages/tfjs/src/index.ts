// tfjs-core's declarations (hash_util.d.ts) name the global `Long` of @types/long without referencing it, so a
// consumer type-checking with skipLibCheck false and a `types` list fails on them; this directive (kept in
// the emitted index.d.ts) brings it in.
/// <reference types="long" preserve="true" />
/**
 * @lossgraph/tfjs: lossgraph loss graphs compiled to @tensorflow/tfjs-core ops, on any tfjs backend the
 * caller registers (cpu, wasm, webgl, webgpu). Two ways to use a compiled loss: `run(feeds)` (host arrays
 * in, host arrays out, gradients from the graph's own backward part) and `apply(tensors)` (tfjs tensors
 * in, tf.Scalar losses out, differentiated by tfjs's own autodiff).
 */
export {
  compile,
  type TensorInputs,
  type TfjsCompiledLoss,
  type TfjsCompileFunction,
  type TfjsCompileOptions,
  type TfjsExtras,
} from './compile.js';
export { LOWERINGS } from './lowering/table.js';
export { type BackendTraits, traitsOf } from './lowering/traits.js';
export type { Lowering, LoweringContext, LoweringTable, Unsupported } from './lowering/types.js';
