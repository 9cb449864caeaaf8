import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  type CliFlag,
  type Graph,
  LOSS_NAMES,
  LOSS_NORMALIZATIONS,
  LossGraphError,
  type LossName,
  type LossNormalization,
  lossEntry,
} from '@lossgraph/core';
import { bindDims } from './bind-dims.js';
import { toOnnxModel } from './model.js';

const flagLine = (flag: string, help: string) => {
  const head = `  --${flag}`;
  return head.length < 25 ? `${head.padEnd(25)}${help}` : `${head}  ${help}`;
};

/** Each registered loss's flags, as the usage text lists them. */
function lossUsage(name: LossName): string {
  const { cli } = lossEntry(name);
  const argument = (f: CliFlag) =>
    f.kind === 'off' ? f.flag : `${f.flag} ${f.kind === 'pair' ? 'A,B' : f.kind === 'choice' ? 'NAME' : 'X'}`;
  return [`${name}:`, ...cli.flags.map((f) => flagLine(argument(f), f.help))].join('\n');
}

export const EXPORT_USAGE = `usage: lossgraph export --out FILE [--loss ${LOSS_NAMES.join('|')}] [options]

Writes a loss, with its gradient outputs, as an ONNX model (opset 18).
${LOSS_NAMES.map((n) => `--loss ${n}${n === 'multibox' ? ' (default)' : ''}: ${lossEntry(n).cli.summary}.`).join('\n')}

  --out FILE             where to write the model (required)
  --loss NAME            ${LOSS_NAMES.join(', ')} (default multibox)
  --num-classes C        fix the number of classes C in the model (default: symbolic)
  --normalize MODE       batch (default) or none: undivided sums plus a 'normalizer' output
  --no-gradients         leave out the gradient outputs
  --outputs LIST         extra outputs: ${LOSS_NAMES.map((n) => `${n} ${lossEntry(n).cli.extraOutputs.join(',')}`).join('; ')}
  --opset N              ONNX opset to declare, 18 to 21 (default 18)
${LOSS_NAMES.map(lossUsage).join('\n')}`;

/** The loss `export` writes (a registered one), with its options. */
export interface ExportLoss {
  readonly name: LossName;
  readonly options: Readonly<Record<string, unknown>>;
}

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

type Values = Record<string, string | boolean | undefined>;

/** The option value a flag's text stands for (undefined where the flag was not given). */
function flagValue(f: CliFlag, value: string | boolean | undefined): unknown {
  if (value === undefined) return undefined;
  const flag = `--${f.flag}`;
  if (f.kind === 'off') return value === true ? false : undefined;
  const text = value as string;
  if (f.kind === 'number') return number(flag, text);
  if (f.kind === 'choice') return oneOf(flag, f.choices ?? [], text);
  const pair = text.split(',').map((v) => number(flag, v));
  const [a, b] = pair;
  if (pair.length !== 2 || a === undefined || b === undefined) usageError(`${flag} needs two numbers, got '${text}'`);
  return [a, b] as const;
}

/** Every registered loss's flags, by flag (a flag two losses share is declared once). */
function allLossFlags(): Map<string, CliFlag> {
  const flags = new Map<string, CliFlag>();
  for (const name of LOSS_NAMES) for (const f of lossEntry(name).cli.flags) flags.set(f.flag, f);
  return flags;
}

/** The chosen loss's options from its flags; another loss's flags are a usage error, not silently ignored. */
function lossOptions(name: LossName, values: Values, shared: Record<string, unknown>): ExportLoss {
  const own = lossEntry(name).cli.flags;
  const ownFlags = new Set(own.map((f) => f.flag));
  const stray = [...allLossFlags().keys()].filter((f) => !ownFlags.has(f) && values[f] !== undefined);
  if (stray.length)
    usageError(
      `${stray.map((f) => `--${f}`).join(', ')} ${stray.length > 1 ? 'do' : 'does'} not apply to --loss ${name}`,
    );
  const options: Record<string, unknown> = {};
  // only the options the user gave: the loss program fills in its own defaults
  for (const [key, v] of Object.entries(shared)) if (v !== undefined) options[key] = v;
  for (const f of own) {
    const v = flagValue(f, values[f.flag]);
    if (v !== undefined) options[f.option] = v;
  }
  return { name, options };
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
        ...Object.fromEntries(
          [...allLossFlags().values()].map((f) => [f.flag, { type: f.kind === 'off' ? 'boolean' : 'string' }] as const),
        ),
      },
    }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.out === undefined) usageError('--out is required');
  const name = oneOf('--loss', LOSS_NAMES, values.loss as string | undefined) ?? 'multibox';
  const { minClasses } = lossEntry(name).cli;
  const numClasses = number('--num-classes', values['num-classes'] as string | undefined);
  if (numClasses !== undefined && !(Number.isInteger(numClasses) && numClasses >= minClasses)) {
    usageError(`--num-classes must be an integer >= ${minClasses} for --loss ${name}, got ${numClasses}`);
  }
  const shared = {
    normalize: oneOf<LossNormalization>('--normalize', LOSS_NORMALIZATIONS, values.normalize as string | undefined),
    gradients: values['no-gradients'] === true ? false : undefined,
    outputs: (values.outputs as string | undefined)?.split(',').filter((s) => s !== ''),
  };
  const loss = lossOptions(name, values, shared);
  const opset = number('--opset', values.opset as string | undefined);
  return {
    out: values.out as string,
    ...(numClasses !== undefined && { numClasses }),
    loss,
    ...(opset !== undefined && { opset }),
  };
}

/** The graph `export` writes: the chosen loss (its registry entry) with its options, C fixed when asked. */
export function exportGraph(args: ExportArgs): Graph {
  const { graph } = lossEntry(args.loss.name).program(args.loss.options);
  return args.numClasses === undefined ? graph : bindDims(graph, { C: args.numClasses });
}

/** `lossgraph export`: writes the model and returns a one-line summary. */
export async function runExport(argv: readonly string[]): Promise<string> {
  const args = parseExportArgs(argv);
  const graph = exportGraph(args);
  const bytes = toOnnxModel(graph, args.opset === undefined ? {} : { opset: args.opset });
  await writeFile(args.out, bytes);
  const outs = graph.outputs.map((o) => o.name).join(', ');
  const { title } = lossEntry(args.loss.name);
  return `wrote ${args.out} (${bytes.length} bytes): ${title}, C ${args.numClasses ?? 'symbolic'}, outputs ${outs}`;
}
