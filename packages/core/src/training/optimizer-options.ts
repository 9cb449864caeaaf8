import { fail } from '../errors.js';
import { requireFloat32 } from '../options/float32.js';
import { rejectUnknownKeys } from '../options/unknown-keys.js';

/** The optimizers a training step can apply (torch.optim 1.13, single-tensor path). */
export const OPTIMIZER_TYPES = ['sgd', 'adam', 'adamw'] as const;
export type OptimizerType = (typeof OPTIMIZER_TYPES)[number];

/** torch.optim.SGD's arguments. */
export interface SgdOptions {
  readonly type: 'sgd';
  /** the learning rate the step scalars default to (each step's `lr` is a graph input). Required, as in torch. */
  readonly lr: number;
  /** Default 0 (no momentum buffer). */
  readonly momentum?: number;
  /** Default 0. */
  readonly dampening?: number;
  /** L2 penalty added to the gradient (coupled). Default 0. */
  readonly weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  readonly nesterov?: boolean;
  /** ascend instead of descend. Default false. */
  readonly maximize?: boolean;
}

/** torch.optim.Adam's and AdamW's arguments. */
export interface AdamOptions {
  readonly type: 'adam' | 'adamw';
  /** the learning rate the step scalars default to (each step's scalars are graph inputs). Default 1e-3. */
  readonly lr?: number;
  /** Default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** Default 1e-8. */
  readonly eps?: number;
  /** Adam: L2 penalty coupled into the gradient (default 0). AdamW: decoupled decay p·(1 − lr·wd) (default 1e-2). */
  readonly weightDecay?: number;
  /** keep the running maximum of the second moment (state `max_exp_avg_sq`). Default false. */
  readonly amsgrad?: boolean;
  /** ascend instead of descend. Default false. */
  readonly maximize?: boolean;
}

export type OptimizerOptions = SgdOptions | AdamOptions;

export type ResolvedSgdOptions = Required<SgdOptions>;
export type ResolvedAdamOptions = Required<AdamOptions>;

const KNOWN: Readonly<Record<OptimizerType, readonly string[]>> = {
  sgd: ['type', 'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'],
  adam: ['type', 'lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'],
  adamw: ['type', 'lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'],
};

const OWNER: Readonly<Record<OptimizerType, string>> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW' };

function invalid(owner: string, name: string, want: string, got: unknown): never {
  return fail('INVALID_OPTION', `${owner} option '${name}' must be ${want}, got ${JSON.stringify(got)}`, {
    option: name,
    value: got,
  });
}

function number(owner: string, name: string, v: number, ok: (x: number) => boolean, want: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) invalid(owner, name, want, v);
  requireFloat32(owner, name, v);
  return v;
}

function boolean(owner: string, name: string, v: boolean): boolean {
  return typeof v === 'boolean' ? v : invalid(owner, name, 'a boolean', v);
}

/** The optimizer's type, checked (INVALID_OPTION naming the closest type when misspelt). */
function optimizerType(options: unknown): OptimizerType {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail('INVALID_OPTION', `optimizer options must be an object with a 'type', got ${JSON.stringify(options)}`);
  const type = (options as { type?: unknown }).type;
  if (!OPTIMIZER_TYPES.includes(type as OptimizerType))
    invalid('optimizer', 'type', `one of ${OPTIMIZER_TYPES.map((t) => `'${t}'`).join(', ')}`, type);
  return type as OptimizerType;
}

/** SGD's options with torch's defaults, checked as torch checks them (LossGraphError 'INVALID_OPTION'). */
export function resolveSgdOptions(options: SgdOptions): ResolvedSgdOptions {
  const owner = 'SGD';
  rejectUnknownKeys(owner, options, KNOWN.sgd);
  if (options.lr === undefined) invalid(owner, 'lr', 'a number >= 0 (SGD has no default learning rate)', undefined);
  const o: ResolvedSgdOptions = {
    type: 'sgd',
    lr: number(owner, 'lr', options.lr, (x) => x >= 0, 'a number >= 0'),
    momentum: number(owner, 'momentum', options.momentum ?? 0, (x) => x >= 0, 'a number >= 0'),
    dampening: number(owner, 'dampening', options.dampening ?? 0, () => true, 'a finite number'),
    weightDecay: number(owner, 'weightDecay', options.weightDecay ?? 0, (x) => x >= 0, 'a number >= 0'),
    nesterov: boolean(owner, 'nesterov', options.nesterov ?? false),
    maximize: boolean(owner, 'maximize', options.maximize ?? false),
  };
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
    fail('INVALID_OPTION', `SGD option 'nesterov' needs momentum > 0 and dampening 0 (torch.optim.SGD's rule)`, {
      option: 'nesterov',
    });
  return o;
}

/** Adam's or AdamW's options with torch's defaults, checked as torch checks them. */
export function resolveAdamOptions(options: AdamOptions): ResolvedAdamOptions {
  const type = optimizerType(options) as 'adam' | 'adamw';
  const owner = OWNER[type];
  rejectUnknownKeys(owner, options, KNOWN[type]);
  const betas = options.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) invalid(owner, 'betas', 'two numbers in [0, 1)', betas);
  const inUnit = (x: number) => x >= 0 && x < 1;
  return {
    type,
    lr: number(owner, 'lr', options.lr ?? 1e-3, (x) => x >= 0, 'a number >= 0'),
    betas: [
      number(owner, 'betas', betas[0], inUnit, 'two numbers in [0, 1)'),
      number(owner, 'betas', betas[1], inUnit, 'two numbers in [0, 1)'),
    ],
    eps: number(owner, 'eps', options.eps ?? 1e-8, (x) => x >= 0, 'a number >= 0'),
    weightDecay: number(
      owner,
      'weightDecay',
      options.weightDecay ?? (type === 'adamw' ? 1e-2 : 0),
      (x) => x >= 0,
      'a number >= 0',
    ),
    amsgrad: boolean(owner, 'amsgrad', options.amsgrad ?? false),
    maximize: boolean(owner, 'maximize', options.maximize ?? false),
  };
}

/** Resolves options of any optimizer type (the `type` key picks). */
export function resolveOptimizerOptions(options: OptimizerOptions): ResolvedSgdOptions | ResolvedAdamOptions {
  const type = optimizerType(options);
  return type === 'sgd' ? resolveSgdOptions(options as SgdOptions) : resolveAdamOptions(options as AdamOptions);
}
