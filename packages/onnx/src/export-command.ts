import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  type Graph,
  LOSS_NORMALIZATIONS,
  LossGraphError,
  type LossNormalization,
  MULTIBOX_EXTRA_OUTPUTS,
  MULTIBOX_PROFILES,
  type MultiboxExtraOutput,
  type MultiboxLossOptions,
  type MultiboxProfile,
  multiboxLossProgram,
  RETINANET_BOX_LOSSES,
  RETINANET_EXTRA_OUTPUTS,
  type RetinanetBoxLoss,
  type RetinanetExtraOutput,
  type RetinanetLossOptions,
  retinanetLossProgram,
} from '@lossgraph/core';
import { bindDims } from './bind-dims.js';
import { toOnnxModel } from './model.js';

export const EXPORT_USAGE = `usage: lossgraph export --out FILE [--loss multibox|retinanet] [options]

Writes a loss, with its gradient outputs, as an ONNX model (opset 18). --loss multibox (default): the SSD
MultiBoxLoss, symbolic B, P, C, M. --loss retinanet: torchvision's RetinaNet loss, symbolic B, A, C, M.

  --out FILE             where to write the model (required)
  --loss NAME            multibox (default) or retinanet
  --num-classes C        fix the number of classes C in the model (default: symbolic)
  --normalize MODE       batch (default) or none: undivided sums plus a 'normalizer' output
  --no-gradients         leave out the gradient outputs
  --outputs LIST         extra outputs: multibox ${MULTIBOX_EXTRA_OUTPUTS.join(',')}; retinanet ${RETINANET_EXTRA_OUTPUTS.join(',')}
  --opset N              ONNX opset to declare, 18 to 21 (default 18)
multibox:
  --profile NAME         ${MULTIBOX_PROFILES.join(' (default) or ')}
  --jaccard-thresh X     IoU below which a default box is background (default 0.5)
  --neg-pos N            hard negatives per positive (default 3)
  --variances A,B        box-encoding variances (default 0.1,0.2)
retinanet:
  --box-loss NAME        ${RETINANET_BOX_LOSSES.join(', ')} (default l1)
  --fg-iou-thresh X      IoU from which an anchor is foreground (default 0.5)
  --bg-iou-thresh X      IoU below which an anchor is background; between the two it is ignored (default 0.4)
  --focal-alpha X        focal-loss alpha in [0, 1], or -1 for none (default 0.25)
  --focal-gamma X        focal-loss gamma >= 0 (default 2)
  --no-low-quality-matches  the Matcher without allow_low_quality_matches`;

/** The loss `export` writes, with its options. */
export type ExportLoss =
  | { readonly name: 'multibox'; readonly options: MultiboxLossOptions }
  | { readonly name: 'retinanet'; readonly options: RetinanetLossOptions };

export interface ExportArgs {
  readonly out: string;
  readonly numClasses?: number;
  readonly loss: ExportLoss;
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

function oneOf<T extends string>(flag: string, allowed: readonly T[], text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text))
    usageError(`${flag} must be one of ${allowed.join(', ')}, got '${text}'`);
  return text as T;
}

const MULTIBOX_FLAGS = ['profile', 'jaccard-thresh', 'neg-pos', 'variances'] as const;
const RETINANET_FLAGS = [
  'box-loss',
  'fg-iou-thresh',
  'bg-iou-thresh',
  'focal-alpha',
  'focal-gamma',
  'no-low-quality-matches',
] as const;

type Values = Record<string, string | boolean | undefined>;

/** The flags of the other loss are a usage error, not silently ignored. */
function refuseFlags(values: Values, flags: readonly string[], loss: string): void {
  const stray = flags.filter((f) => values[f] !== undefined);
  if (stray.length)
    usageError(
      `${stray.map((f) => `--${f}`).join(', ')} ${stray.length > 1 ? 'do' : 'does'} not apply to --loss ${loss}`,
    );
}

/** Only the options the user gave: the loss program fills in its own defaults. */
const given = <T extends object>(entries: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as T;

function multiboxLoss(values: Values, shared: Record<string, unknown>): ExportLoss {
  refuseFlags(values, RETINANET_FLAGS, 'multibox');
  const variances = (values.variances as string | undefined)?.split(',').map((v) => number('--variances', v));
  const [v0, v1] = variances ?? [];
  if (variances !== undefined && (variances.length !== 2 || v0 === undefined || v1 === undefined))
    usageError(`--variances needs two numbers, got '${values.variances}'`);
  const options = given<MultiboxLossOptions>({
    ...shared,
    profile: oneOf<MultiboxProfile>('--profile', MULTIBOX_PROFILES, values.profile as string | undefined),
    jaccardThresh: number('--jaccard-thresh', values['jaccard-thresh'] as string | undefined),
    negPos: number('--neg-pos', values['neg-pos'] as string | undefined),
    variances: v0 === undefined || v1 === undefined ? undefined : ([v0, v1] as const),
    outputs: shared.outputs as MultiboxExtraOutput[] | undefined,
  });
  return { name: 'multibox', options };
}

function retinanetLoss(values: Values, shared: Record<string, unknown>): ExportLoss {
  refuseFlags(values, MULTIBOX_FLAGS, 'retinanet');
  const options = given<RetinanetLossOptions>({
    ...shared,
    boxLoss: oneOf<RetinanetBoxLoss>('--box-loss', RETINANET_BOX_LOSSES, values['box-loss'] as string | undefined),
    fgIouThresh: number('--fg-iou-thresh', values['fg-iou-thresh'] as string | undefined),
    bgIouThresh: number('--bg-iou-thresh', values['bg-iou-thresh'] as string | undefined),
    focalAlpha: number('--focal-alpha', values['focal-alpha'] as string | undefined),
    focalGamma: number('--focal-gamma', values['focal-gamma'] as string | undefined),
    allowLowQualityMatches: values['no-low-quality-matches'] === true ? false : undefined,
    outputs: shared.outputs as RetinanetExtraOutput[] | undefined,
  });
  return { name: 'retinanet', options };
}

/** Parses `export` arguments (after the command name). */
export function parseExportArgs(argv: readonly string[]): ExportArgs {
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        out: { type: 'string' },
        loss: { type: 'string' },
        'num-classes': { type: 'string' },
        normalize: { type: 'string' },
        'no-gradients': { type: 'boolean' },
        outputs: { type: 'string' },
        opset: { type: 'string' },
        profile: { type: 'string' },
        'jaccard-thresh': { type: 'string' },
        'neg-pos': { type: 'string' },
        variances: { type: 'string' },
        'box-loss': { type: 'string' },
        'fg-iou-thresh': { type: 'string' },
        'bg-iou-thresh': { type: 'string' },
        'focal-alpha': { type: 'string' },
        'focal-gamma': { type: 'string' },
        'no-low-quality-matches': { type: 'boolean' },
      },
    }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.out === undefined) usageError('--out is required');
  const name = oneOf('--loss', ['multibox', 'retinanet'] as const, values.loss as string | undefined) ?? 'multibox';
  const minClasses = name === 'multibox' ? 2 : 1;
  const numClasses = number('--num-classes', values['num-classes'] as string | undefined);
  if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses >= minClasses)) {
    usageError(`--num-classes must be an integer >= ${minClasses} for --loss ${name}, got ${numClasses}`);
  }
  const shared = {
    normalize: oneOf<LossNormalization>('--normalize', LOSS_NORMALIZATIONS, values.normalize as string | undefined),
    gradients: values['no-gradients'] === true ? false : undefined,
    outputs: (values.outputs as string | undefined)?.split(',').filter((s) => s !== ''),
  };
  const loss = name === 'multibox' ? multiboxLoss(values, shared) : retinanetLoss(values, shared);
  const opset = number('--opset', values.opset as string | undefined);
  return {
    out: values.out as string,
    ...(numClasses !== undefined && { numClasses }),
    loss,
    ...(opset !== undefined && { opset }),
  };
}

/** The graph `export` writes: the chosen loss with its options, C fixed when asked. */
export function exportGraph(args: ExportArgs): Graph {
  const graph =
    args.loss.name === 'multibox'
      ? multiboxLossProgram(args.loss.options).graph
      : retinanetLossProgram(args.loss.options).graph;
  return args.numClasses === undefined ? graph : bindDims(graph, { C: args.numClasses });
}

const TITLES = { multibox: 'MultiBoxLoss', retinanet: 'RetinaNet loss' } as const;

/** `lossgraph export`: writes the model and returns a one-line summary. */
export async function runExport(argv: readonly string[]): Promise<string> {
  const args = parseExportArgs(argv);
  const graph = exportGraph(args);
  const bytes = toOnnxModel(graph, args.opset === undefined ? {} : { opset: args.opset });
  await writeFile(args.out, bytes);
  const outs = graph.outputs.map((o) => o.name).join(', ');
  return `wrote ${args.out} (${bytes.length} bytes): ${TITLES[args.loss.name]}, C ${args.numClasses ?? 'symbolic'}, outputs ${outs}`;
}
