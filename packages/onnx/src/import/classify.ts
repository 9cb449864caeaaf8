import type { OnnxModel } from './decode.js';
import { invalidModel } from './errors.js';
import { CONVERTERS } from './table.js';

/** How the importer treats each initializer. */
export type InitializerRole = 'parameter' | 'state' | 'constant';

const RUNNING_STAT = /\.(running_mean|running_var)$/;
const FROZEN_BUFFER = /\.(weight|bias|running_mean|running_var)$/;

/** PyTorch names folded or generated tensors `onnx::Mul_32` (or a bare number in older exporters). */
export function isAnonymous(name: string): boolean {
  return name.startsWith('onnx::') || /^\d+$/.test(name) || name === '';
}

/**
 * Classifies the initializers:
 * - state: BatchNormalization inputs 3 and 4 (running mean and variance);
 * - constant: non-float tensors; tensors read only as shapes, axes, bounds or scales; anonymous names
 *   (`onnx::*`: values the exporter folded, such as a FrozenBatchNorm2d's scale); and the buffers of a
 *   frozen BatchNorm (a module whose `running_mean` or `running_var` feeds no BatchNormalization: its
 *   `weight` and `bias` are buffers too);
 * - parameter: every other float initializer a node reads, named like PyTorch's state_dict key.
 */
export function classifyInitializers(model: OnnxModel): Map<string, InitializerRole> {
  const used = new Set(model.nodes.flatMap((n) => n.inputs));
  // initializers some node reads as a tensor (not only as a shape, axes, bound or scale)
  const readAsTensor = new Set(
    model.nodes.flatMap((n) => {
      const constant = CONVERTERS[n.opType]?.constantInputs ?? [];
      return n.inputs.filter((_, i) => !constant.includes(i));
    }),
  );
  const state = new Set<string>();
  for (const node of model.nodes) {
    if (node.opType !== 'BatchNormalization') continue;
    for (const name of node.inputs.slice(3, 5)) if (model.initializers.has(name)) state.add(name);
  }
  const frozenModules = new Set<string>();
  for (const name of model.initializers.keys()) {
    if (RUNNING_STAT.test(name) && !state.has(name)) frozenModules.add(name.replace(RUNNING_STAT, ''));
  }
  const roles = new Map<string, InitializerRole>();
  for (const [name, t] of model.initializers) {
    if (!used.has(name)) continue;
    if (state.has(name)) {
      if (t.kind !== 'float') invalidModel(`running statistic '${name}' is not a float tensor`, { tensor: name });
      roles.set(name, 'state');
    } else if (t.kind !== 'float' || isAnonymous(name) || !readAsTensor.has(name)) {
      roles.set(name, 'constant');
    } else if (FROZEN_BUFFER.test(name) && frozenModules.has(name.replace(FROZEN_BUFFER, ''))) {
      roles.set(name, 'constant');
    } else {
      roles.set(name, 'parameter');
    }
  }
  return roles;
}
