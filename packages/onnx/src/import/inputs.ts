import { LossGraphError, type ModelTensorInfo } from '@lossgraph/core';
import type { OnnxModel } from './decode.js';
import { invalidModel } from './errors.js';
import { kindOf } from './host-tensor.js';

/** A graph input at the shape the model is imported with. */
export interface ResolvedInput extends ModelTensorInfo {
  readonly kind: 'float' | 'int' | 'bool';
}

/**
 * The shape of every graph input: `inputShapes[name]` when given (it must fit the declared rank and fixed
 * dims), else the declared shape, which must then be fully static.
 */
export function resolveInputs(
  model: OnnxModel,
  inputShapes: Readonly<Record<string, readonly number[]>> = {},
): ResolvedInput[] {
  const names = new Set(model.inputs.map((i) => i.name));
  for (const name of Object.keys(inputShapes)) {
    if (!names.has(name)) {
      throw new LossGraphError(
        'INVALID_OPTION',
        `inputShapes names '${name}', which is not an input of the model (inputs: ${[...names].join(', ')})`,
        { tensor: name },
      );
    }
  }
  return model.inputs.map((input) => {
    const kind = kindOf(input.elemType);
    if (kind === undefined) return invalidModel(`graph input '${input.name}' has an unsupported element type`);
    const declared = `[${input.dims.map((d) => d ?? '?')}]`;
    const given = inputShapes[input.name];
    if (given === undefined) {
      const shape = input.dims.map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
      if (shape.some((d) => d === undefined)) {
        invalidModel(
          `graph input '${input.name}' has the shape ${declared}, which is not fixed: pass its shape in ` +
            `importOnnx(bytes, { inputShapes: { '${input.name}': [...] } })`,
          { tensor: input.name },
        );
      }
      return { name: input.name, kind, shape: shape as number[] };
    }
    const fits =
      given.length === input.dims.length &&
      given.every((d, i) => Number.isInteger(d) && d > 0 && (typeof input.dims[i] !== 'number' || input.dims[i] === d));
    if (!fits) {
      invalidModel(`input shape [${given}] for '${input.name}' does not fit the model's ${declared}`, {
        tensor: input.name,
        expected: input.dims,
        actual: given,
      });
    }
    return { name: input.name, kind, shape: [...given] };
  });
}
