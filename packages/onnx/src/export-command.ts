import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  type CliFlag,
  DEFAULT_LOSS,
  type Graph,
  LOSS_NAMES,
  LOSS_NORMALIZATIONS,
  LossGraphError,
  type LossName,
  type LossNormalization,
  lossEntry,
  OPTIMIZER_TYPES,
  type OptimizerOptions,
  type OptimizerType,
  type TrainingStepProgram,
  trainingStepProgram,
} from '@lossgraph/core';
import { bindDims } from './bind-dims.js';
import { importOnnx } from './import/import-onnx.js';
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

/** The losses a training step can end in (the ones whose registry entry has a `training` part). */
const TRAINING_LOSSES: readonly LossName[] = LOSS_NAMES.filter((n) => lossEntry(n).training);

export const EXPORT_USAGE = `usage: lossgraph export --out FILE [--loss ${LOSS_NAMES.join('|')}] [options]

Writes a loss, with its gradient outputs, as an ONNX model (opset 18).
${LOSS_NAMES.map((n) => `--loss ${n}${n === DEFAULT_LOSS ? ' (default)' : ''}: ${lossEntry(n).cli.summary}.`).join('\n')}

  --out FILE             where to write the model (required)
  --loss NAME            ${LOSS_NAMES.join(', ')} (default multibox)
  --num-classes C        fix the number of classes C in the model (default: symbolic)
  --normalize MODE       batch (default) or none: undivided sums plus a 'normalizer' output
  --no-gradients         leave out the gradient outputs
  --outputs LIST         extra outputs: ${LOSS_NAMES.map((n) => `${n} ${lossEntry(n).cli.extraOutputs.join(',')}`).join('; ')}
  --opset N              ONNX opset to declare, 18 to 21 (default 18)
${LOSS_NAMES.map(lossUsage).join('\n')}

Training step (--model): writes one step of training the model with the loss (${TRAINING_LOSSES.join(', ')}) as one
model. Inputs: the batch (the model's inputs and the loss inputs no model output feeds), every parameter <p>,
every state tensor (running statistics <s>, optimizer slots <p>.<slot>), and the step scalars (sgd: lr, and
first_step with momentum; adam: step_size, bias_correction2_sqrt; adamw: also lr). Outputs: the loss terms, then
<name>.next for every parameter and state tensor, to feed back as the next step's inputs.
  --model FILE           the model (ONNX, exported in training mode) to write a training step of
  --optimizer NAME       ${OPTIMIZER_TYPES.join(', ')} (required with --model)
  --lr X                 learning rate (required for sgd; adam/adamw default 1e-3)
  --weight-decay X       weight decay (default 0; adamw 1e-2)
  --momentum X           sgd momentum (default 0)
  --nesterov             sgd Nesterov momentum
  --betas A,B            adam/adamw betas (default 0.9,0.999)
  --eps X                adam/adamw eps (default 1e-8)`;

/** The loss `export` writes (a registered one), with its options. */
export interface ExportLoss {
  readonly name: LossName;
  readonly options: Readonly<Record<string, unknown>>;
}

/** `--model`: write a training step of this model file with this optimizer instead of the loss alone. */
export interface ExportTraining {
  readonly model: string;
  readonly optimizer: OptimizerOptions;
}

export interface ExportArgs {
  readonly out: string;
  readonly training?: ExportTraining;
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

const OPTIMIZER_FLAGS: Readonly<Record<OptimizerType, readonly string[]>> = {
  sgd: ['lr', 'momentum', 'weight-decay', 'nesterov'],
  adam: ['lr', 'weight-decay', 'betas', 'eps'],
  adamw: ['lr', 'weight-decay', 'betas', 'eps'],
};

/** The training-step arguments (`--model` and the optimizer's flags), or undefined without `--model`. */
function trainingArgs(values: Values, loss: LossName, numClasses: boolean): ExportTraining | undefined {
  const optimizerFlags = ['optimizer', ...new Set(Object.values(OPTIMIZER_FLAGS).flat())];
  if (values.model === undefined) {
    const stray = optimizerFlags.filter((f) => values[f] !== undefined);
    if (stray.length)
      usageError(
        `${stray.map((f) => `--${f}`).join(', ')} ${stray.length > 1 ? 'need' : 'needs'} --model (a training step)`,
      );
    return undefined;
  }
  if (!(TRAINING_LOSSES as readonly string[]).includes(loss))
    usageError(`--model: a training step takes --loss ${TRAINING_LOSSES.join(', ')}, got '${loss}'`);
  // the model fixes C; gradients and extra outputs belong to the loss-only export
  for (const [given, flag] of [
    [numClasses, 'num-classes'],
    [values['no-gradients'] !== undefined, 'no-gradients'],
    [values.outputs !== undefined, 'outputs'],
  ] as const)
    if (given) usageError(`--${flag} does not apply to a training step (--model)`);
  const type = oneOf('--optimizer', OPTIMIZER_TYPES, values.optimizer as string | undefined);
  if (type === undefined) usageError('--optimizer is required with --model');
  const own = new Set(OPTIMIZER_FLAGS[type]);
  const stray = optimizerFlags.filter((f) => f !== 'optimizer' && !own.has(f) && values[f] !== undefined);
  if (stray.length)
    usageError(
      `${stray.map((f) => `--${f}`).join(', ')} ${stray.length > 1 ? 'do' : 'does'} not apply to --optimizer ${type}`,
    );
  const num = (flag: string) => number(`--${flag}`, values[flag] as string | undefined);
  const lr = num('lr');
  const weightDecay = num('weight-decay');
  const common = { ...(lr !== undefined && { lr }), ...(weightDecay !== undefined && { weightDecay }) };
  let optimizer: OptimizerOptions;
  if (type === 'sgd') {
    if (lr === undefined) usageError('--lr is required for --optimizer sgd');
    const momentum = num('momentum');
    optimizer = {
      type,
      lr,
      ...common,
      ...(momentum !== undefined && { momentum }),
      ...(values.nesterov === true && { nesterov: true }),
    };
  } else {
    const betasText = values.betas as string | undefined;
    const betas = betasText?.split(',').map((v) => number('--betas', v));
    const [b1, b2] = betas ?? [];
    if (betas !== undefined && (betas.length !== 2 || b1 === undefined || b2 === undefined))
      usageError(`--betas needs two numbers, got '${betasText}'`);
    const eps = num('eps');
    optimizer = {
      type,
      ...common,
      ...(b1 !== undefined && b2 !== undefined && { betas: [b1, b2] as const }),
      ...(eps !== undefined && { eps }),
    };
  }
  return { model: values.model as string, optimizer };
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
        model: { type: 'string' },
        optimizer: { type: 'string' },
        lr: { type: 'string' },
        momentum: { type: 'string' },
        'weight-decay': { type: 'string' },
        nesterov: { type: 'boolean' },
        betas: { type: 'string' },
        eps: { type: 'string' },
        ...Object.fromEntries(
          [...allLossFlags().values()].map((f) => [f.flag, { type: f.kind === 'off' ? 'boolean' : 'string' }] as const),
        ),
      },
    }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.out === undefined) usageError('--out is required');
  const name = oneOf('--loss', LOSS_NAMES, values.loss as string | undefined) ?? DEFAULT_LOSS;
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
  const training = trainingArgs(values, name, numClasses !== undefined);
  return {
    out: values.out as string,
    ...(training !== undefined && { training }),
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

/** The training step `export --model` writes: the model file imported, the chosen loss and optimizer. */
export async function exportTrainingStep(args: ExportArgs, training: ExportTraining): Promise<TrainingStepProgram> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(training.model));
  } catch (e) {
    return usageError(`cannot read --model '${training.model}': ${(e as Error).message}`);
  }
  const model = importOnnx(bytes);
  const { options } = args.loss;
  const ending = lossEntry(args.loss.name).training;
  if (!ending) return usageError(`--model: a training step takes --loss ${TRAINING_LOSSES.join(', ')}`);
  const loss = ending.loss(options);
  try {
    return trainingStepProgram({ model, loss, optimizer: training.optimizer });
  } catch (e) {
    // a bad optimizer setting (INVALID_OPTION) is a usage error; a model that does not fit the loss is not
    if (LossGraphError.isInstance(e) && e.code === 'INVALID_OPTION') usageError(e.message);
    throw e;
  }
}

/** `lossgraph export --model`: writes the training step and returns a one-line summary. */
async function runTrainingExport(args: ExportArgs, training: ExportTraining): Promise<string> {
  const program = await exportTrainingStep(args, training);
  const bytes = toOnnxModel(program.graph, args.opset === undefined ? {} : { opset: args.opset });
  await writeFile(args.out, bytes);
  const { title } = lossEntry(args.loss.name);
  const nexts = program.parameters.length + program.state.length;
  return (
    `wrote ${args.out} (${bytes.length} bytes): training step of ${training.model}, ${title}, ` +
    `${training.optimizer.type}; inputs: ${program.batchInputs.length} batch (${program.batchInputs.join(', ')}), ` +
    `${program.parameters.length} parameters, ${program.state.length} state, ` +
    `${program.scalars.length} step scalars (${program.scalars.join(', ')}); ` +
    `outputs: ${program.lossTerms.join(', ')}, ${nexts} <name>.next`
  );
}

/** `lossgraph export`: writes the model and returns a one-line summary. */
export async function runExport(argv: readonly string[]): Promise<string> {
  const args = parseExportArgs(argv);
  if (args.training !== undefined) return runTrainingExport(args, args.training);
  const graph = exportGraph(args);
  const bytes = toOnnxModel(graph, args.opset === undefined ? {} : { opset: args.opset });
  await writeFile(args.out, bytes);
  const outs = graph.outputs.map((o) => o.name).join(', ');
  const { title } = lossEntry(args.loss.name);
  return `wrote ${args.out} (${bytes.length} bytes): ${title}, C ${args.numClasses ?? 'symbolic'}, outputs ${outs}`;
}
