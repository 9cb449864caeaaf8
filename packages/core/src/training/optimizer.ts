import type { HostTensor } from '../backend/contract.js';
import type { GraphBuilder, Tensor } from '../builder.js';
import { fail } from '../errors.js';
import {
  type AdamOptions,
  type OptimizerOptions,
  type ResolvedAdamOptions,
  type ResolvedSgdOptions,
  resolveAdamOptions,
  resolveOptimizerOptions,
  resolveSgdOptions,
  type SgdOptions,
} from './optimizer-options.js';

/** One parameter's update: its gradient, its value and its optimizer state (by slot), and the step scalars. */
export interface ParameterUpdate {
  readonly param: Tensor;
  readonly grad: Tensor;
  /** the optimizer's state of this parameter, by slot name (`momentum_buffer`, `exp_avg`, ...) */
  readonly state: Readonly<Record<string, Tensor>>;
  /** the per-step scalar inputs, by name (`lr`, `step_size`, ...) */
  readonly scalars: Readonly<Record<string, Tensor>>;
}

/** What an update writes: the parameter after the step and each state slot after the step. */
export interface UpdatedParameter {
  readonly param: Tensor;
  readonly state: Readonly<Record<string, Tensor>>;
}

/**
 * An optimizer as a graph function: torch.optim 1.13's single-tensor update of one parameter, written
 * into a graph. Everything that changes from step to step is an input: the parameter, its state slots
 * (zeros before the first step) and the per-step scalars, which the host computes with `stepScalars`
 * (in float64, as PyTorch computes them in Python floats). So one compiled graph serves every step, and
 * learning-rate schedules need no recompiling.
 */
export interface Optimizer {
  readonly options: ResolvedSgdOptions | ResolvedAdamOptions;
  /** per-parameter state slots, named as torch.optim's state keys; a slot's tensor has the parameter's shape */
  readonly slots: readonly string[];
  /** the per-step scalar inputs (float32 scalars) */
  readonly scalars: readonly string[];
  /**
   * The scalar feeds of step `step` (1-based: the value of torch's `state['step']` during that update),
   * at learning rate `lr` (default: the options' lr).
   */
  stepScalars(step: number, lr?: number): Record<string, HostTensor>;
  /** Writes the update of one parameter into `b`. */
  update(b: GraphBuilder, u: ParameterUpdate): UpdatedParameter;
}

const scalar = (value: number): HostTensor => ({ dtype: 'float32', shape: [], data: Float64Array.of(value) });

function checkStep(step: number, lr: number): void {
  if (!(Number.isInteger(step) && step >= 1))
    fail('INVALID_OPTION', `optimizer step must be an integer >= 1 (the 1-based step number), got ${step}`, {
      option: 'step',
    });
  if (!(Number.isFinite(lr) && lr >= 0))
    fail('INVALID_OPTION', `learning rate must be a finite number >= 0, got ${lr}`, { option: 'lr' });
}

/** The slot tensor of a state, failing (INVALID_GRAPH) when the caller did not give it. */
function slot(u: ParameterUpdate, name: string): Tensor {
  const t = u.state[name];
  if (t === undefined) fail('INVALID_GRAPH', `optimizer update: no state '${name}' given`);
  return t;
}

function stepScalar(u: ParameterUpdate, name: string): Tensor {
  const t = u.scalars[name];
  if (t === undefined) fail('INVALID_GRAPH', `optimizer update: no step scalar '${name}' given`);
  return t;
}

/**
 * torch.optim.SGD (`_single_tensor_sgd`): g ← g + wd·p; with momentum, buf ← g on the first step (no
 * (1 − dampening) factor) and momentum·buf + (1 − dampening)·g later, g ← g + momentum·buf (Nesterov) or
 * buf; p ← p − lr·g. Scalars: `lr`, and with momentum `first_step` (1 on the first step, else 0).
 * Slots: `momentum_buffer` with momentum.
 */
export function sgd(options: Omit<SgdOptions, 'type'> & { readonly type?: 'sgd' }): Optimizer {
  const o = resolveSgdOptions({ ...options, type: 'sgd' });
  const hasMomentum = o.momentum !== 0;
  return {
    options: o,
    slots: hasMomentum ? ['momentum_buffer'] : [],
    scalars: hasMomentum ? ['lr', 'first_step'] : ['lr'],
    stepScalars(step, lr = o.lr) {
      checkStep(step, lr);
      const feeds: Record<string, HostTensor> = { lr: scalar(lr) };
      if (hasMomentum) feeds.first_step = scalar(step === 1 ? 1 : 0);
      return feeds;
    },
    update(b, u) {
      let g = o.maximize ? u.grad.neg() : u.grad;
      if (o.weightDecay !== 0) g = g.add(u.param.mul(o.weightDecay));
      const state: Record<string, Tensor> = {};
      if (hasMomentum) {
        const later = slot(u, 'momentum_buffer')
          .mul(o.momentum)
          .add(o.dampening === 0 ? g : g.mul(1 - o.dampening));
        const buf = b.where(stepScalar(u, 'first_step').greater(0), g, later);
        state.momentum_buffer = buf;
        g = o.nesterov ? g.add(buf.mul(o.momentum)) : buf;
      }
      return { param: u.param.sub(g.mul(stepScalar(u, 'lr'))), state };
    },
  };
}

/**
 * torch.optim.Adam and AdamW (`_single_tensor_adam[w]`): Adam adds wd·p to g (coupled L2); AdamW first
 * decays p ← p·(1 − lr·wd). Then m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g² (amsgrad: v̂ ← max(v̂, v),
 * used below in place of v), p ← p − step_size · m / (√v / √bc2 + eps). Scalars: `step_size` = lr / (1 − β1^t),
 * `bias_correction2_sqrt` = √(1 − β2^t), and for AdamW `lr`. Slots: `exp_avg`, `exp_avg_sq` (and
 * `max_exp_avg_sq` with amsgrad).
 */
function adamFamily(o: ResolvedAdamOptions): Optimizer {
  const decoupled = o.type === 'adamw';
  const [beta1, beta2] = o.betas;
  return {
    options: o,
    slots: o.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'],
    scalars: decoupled ? ['lr', 'step_size', 'bias_correction2_sqrt'] : ['step_size', 'bias_correction2_sqrt'],
    stepScalars(step, lr = o.lr) {
      checkStep(step, lr);
      const feeds: Record<string, HostTensor> = {
        step_size: scalar(lr / (1 - beta1 ** step)),
        bias_correction2_sqrt: scalar(Math.sqrt(1 - beta2 ** step)),
      };
      if (decoupled) feeds.lr = scalar(lr);
      return feeds;
    },
    update(b, u) {
      let g = o.maximize ? u.grad.neg() : u.grad;
      let p = u.param;
      if (decoupled) p = p.mul(b.scalar(1).sub(stepScalar(u, 'lr').mul(o.weightDecay)));
      else if (o.weightDecay !== 0) g = g.add(p.mul(o.weightDecay));
      const m = slot(u, 'exp_avg')
        .mul(beta1)
        .add(g.mul(1 - beta1));
      const v = slot(u, 'exp_avg_sq')
        .mul(beta2)
        .add(g.mul(g).mul(1 - beta2));
      const state: Record<string, Tensor> = { exp_avg: m, exp_avg_sq: v };
      let second = v;
      if (o.amsgrad) {
        second = slot(u, 'max_exp_avg_sq').maximum(v);
        state.max_exp_avg_sq = second;
      }
      const denom = second.sqrt().div(stepScalar(u, 'bias_correction2_sqrt')).add(o.eps);
      return { param: p.sub(m.div(denom).mul(stepScalar(u, 'step_size'))), state };
    },
  };
}

/** torch.optim.Adam (L2 weight decay coupled into the gradient). */
export function adam(options: Omit<AdamOptions, 'type'> & { readonly type?: 'adam' } = {}): Optimizer {
  return adamFamily(resolveAdamOptions({ ...options, type: 'adam' }));
}

/** torch.optim.AdamW (decoupled weight decay, default 1e-2). */
export function adamw(options: Omit<AdamOptions, 'type'> & { readonly type?: 'adamw' } = {}): Optimizer {
  return adamFamily(resolveAdamOptions({ ...options, type: 'adamw' }));
}

/** An optimizer from options of any type (`{ type: 'sgd', lr: 0.01, momentum: 0.9 }`), or the optimizer given. */
export function makeOptimizer(optimizer: Optimizer | OptimizerOptions): Optimizer {
  if ('update' in optimizer) return optimizer;
  const o = resolveOptimizerOptions(optimizer);
  return o.type === 'sgd' ? sgd(o) : adamFamily(o);
}
