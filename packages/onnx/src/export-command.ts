import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LossGraphError, MULTIBOX_EXTRA_OUTPUTS, multiboxLossProgram, type Graph, type MultiboxExtraOutput, type MultiboxLossOptions } from '@lossgraph/core';
import { bindDims } from './bind-dims.js';
import { toOnnxModel } from './model.js';

export const EXPORT_USAGE = `usage: lossgraph export --out FILE [options]

Writes the SSD MultiBoxLoss, with its gradient outputs, as an ONNX model (opset 18, symbolic B, P, C, M).

  --out FILE             where to write the model (required)
  --num-classes C        fix the number of classes C in the model (default: symbolic)
  --jaccard-thresh X     IoU below which a default box is background (default 0.5)
  --neg-pos N            hard negatives per positive (default 3)
  --variances A,B        box-encoding variances (default 0.1,0.2)
  --no-gradients         leave out grad_loc and grad_conf
  --outputs LIST         extra outputs, from ${MULTIBOX_EXTRA_OUTPUTS.join(',')}
  --opset N              ONNX opset to declare, 18 to 21 (default 18)`;

export interface ExportArgs {
  readonly out: string;
  readonly numClasses?: number;
  readonly loss: MultiboxLossOptions;
  readonly opset?: number;
}

function usageError(message: string): never {
  throw new LossGraphError('INVALID_OPTION', `${message}\n\n${EXPORT_USAGE}`);
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x)) usageError(`${flag} needs a number, got '${text}'`);
  return x;
}

/** Parses `export` arguments (after the command name). */
export function parseExportArgs(argv: readonly string[]): ExportArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        out: { type: 'string' },
        'num-classes': { type: 'string' },
        'jaccard-thresh': { type: 'string' },
        'neg-pos': { type: 'string' },
        variances: { type: 'string' },
        'no-gradients': { type: 'boolean' },
        outputs: { type: 'string' },
        opset: { type: 'string' },
      },
    }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.out === undefined) usageError('--out is required');
  const numClasses = number('--num-classes', values['num-classes']);
  if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses >= 2)) usageError(`--num-classes must be an integer >= 2, got ${numClasses}`);
  const variances = values.variances?.split(',').map((v) => number('--variances', v)!);
  if (variances !== undefined && variances.length !== 2) usageError(`--variances needs two numbers, got '${values.variances}'`);
  const outputs = values.outputs?.split(',').filter((s) => s !== '') as MultiboxExtraOutput[] | undefined;
  const loss: MultiboxLossOptions = {
    ...(values['jaccard-thresh'] !== undefined && { jaccardThresh: number('--jaccard-thresh', values['jaccard-thresh']) }),
    ...(values['neg-pos'] !== undefined && { negPos: number('--neg-pos', values['neg-pos']) }),
    ...(variances !== undefined && { variances: [variances[0]!, variances[1]!] as const }),
    ...(values['no-gradients'] === true && { gradients: false }),
    ...(outputs !== undefined && { outputs }),
  };
  const opset = number('--opset', values.opset);
  return { out: values.out, ...(numClasses !== undefined && { numClasses }), loss, ...(opset !== undefined && { opset }) };
}

/** The graph `export` writes: the MultiBoxLoss with the given options, C fixed when asked. */
export function exportGraph(args: ExportArgs): Graph {
  const graph = multiboxLossProgram(args.loss).graph;
  return args.numClasses === undefined ? graph : bindDims(graph, { C: args.numClasses });
}

/** `lossgraph export`: writes the model and returns a one-line summary. */
export async function runExport(argv: readonly string[]): Promise<string> {
  const args = parseExportArgs(argv);
  const graph = exportGraph(args);
  const bytes = toOnnxModel(graph, args.opset === undefined ? {} : { opset: args.opset });
  await writeFile(args.out, bytes);
  const outs = graph.outputs.map((o) => o.name).join(', ');
  return `wrote ${args.out} (${bytes.length} bytes): MultiBoxLoss, C ${args.numClasses ?? 'symbolic'}, outputs ${outs}`;
}
