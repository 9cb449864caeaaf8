import { at, bindDefinedDims, LossGraphError, type Node, partialShape, valueInfo } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fail } from './errors.js';
import { LOWERINGS } from './lowering/table.js';
import type { BackendTraits } from './lowering/traits.js';
import type { LoweringContext, NodeLowering } from './lowering/types.js';
import type { Plan } from './plan.js';
import { detach, type GradientRule, withGradientRule } from './tape.js';

/** `b` may hold -1 for a data-dependent dim not bound yet: any size fits there. */
function fitsShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i] || b[i] === -1);
}

/** One node through its lowering, with tfjs errors and shape disagreements as LossGraphError. */
function lower(node: Node, inputs: readonly tf.Tensor[], ctx: LoweringContext, index: number): tf.Tensor[] {
  const lowering = LOWERINGS[node.op] as NodeLowering | { unsupported: string };
  if ('unsupported' in lowering)
    fail('UNSUPPORTED_OP', `tfjs backend cannot run '${node.op}': ${lowering.unsupported}`, { op: node.op });
  let outs: tf.Tensor[];
  try {
    outs = lowering(inputs, node.attrs as never, ctx);
  } catch (e) {
    if (LossGraphError.isInstance(e)) throw e;
    fail(
      'KERNEL_ERROR',
      `tfjs-${ctx.traits.name}: '${node.op}' (node ${index}) failed: ${(e as Error).message}`,
      { op: node.op, node: index },
      e,
    );
  }
  outs.forEach((t, k) => {
    if (!fitsShape(t.shape, at(ctx.outShapes, k))) {
      fail(
        'KERNEL_ERROR',
        `tfjs lowering of '${node.op}' (node ${index}) gave shape [${t.shape}], the IR says [${ctx.outShapes[k]}]`,
        { op: node.op },
      );
    }
  });
  return outs;
}

/**
 * Under apply(): a node with a gradient rule becomes one tf.customGrad node carrying the IR's VJP; any
 * other node (no VJP, or integer/boolean only) runs on detached inputs, so tfjs's tape never reaches it.
 */
function lowerForAutodiff(
  node: Node,
  inputs: readonly tf.Tensor[],
  ctx: LoweringContext,
  index: number,
  rule: GradientRule | null,
): tf.Tensor[] {
  if (rule !== null) return withGradientRule((xs) => lower(node, xs, ctx, index), inputs, rule);
  return lower(
    node,
    inputs.map((t) => (t.dtype === 'float32' ? detach(t) : t)),
    ctx,
    index,
  );
}

/**
 * Runs a plan on tfjs tensors: `given` holds the graph inputs and the constants (never freed here).
 * Each node runs in its own tf.tidy; every value is freed after its last use. `rules` (under apply())
 * gives each node's gradient rule. `env` gains each data-dependent dim as its defining node runs (so
 * gradient rules made during the run see it). Returns the plan's outputs, each a tensor the caller owns.
 * Call it inside tf.tidy, so that a failure frees everything.
 */
export function execute(
  plan: Plan,
  given: ReadonlyMap<number, tf.Tensor>,
  env: Record<string, number>,
  traits: BackendTraits,
  rules?: (node: Node) => GradientRule | null,
): tf.Tensor[] {
  const { graph } = plan;
  const vals = new Array<tf.Tensor | undefined>(graph.values.length);
  for (const [id, t] of given) vals[id] = t;
  const outer = new Set(given.values());
  // a value is read only between the node that makes it (or the feeds) and its last use (see plan.ts)
  const live = (id: number): tf.Tensor => {
    const t = vals[id];
    if (t === undefined) fail('INVALID_GRAPH', `value ${id} is read before it is computed or after it is freed`);
    return t;
  };
  plan.nodes.forEach((node, k) => {
    const inputs = node.inputs.map(live);
    const { uniform, iota, nonPositive } = plan.facts;
    const ctx: LoweringContext = {
      env,
      outShapes: node.outputs.map((o) => partialShape(valueInfo(graph, o).shape, env)),
      uniform: node.inputs.map((i) => uniform.get(i)),
      iota: node.inputs.map((i) => iota.has(i)),
      nonPositive: node.inputs.map((i) => nonPositive.has(i)),
      traits,
    };
    const outs = tf.tidy(() =>
      rules ? lowerForAutodiff(node, inputs, ctx, k, rules(node)) : lower(node, inputs, ctx, k),
    );
    bindDefinedDims(
      graph,
      node,
      outs.map((t) => t.shape),
      env,
    );
    // every value gets its own tensor object, so that freeing one never frees another
    for (const [j, t] of outs.entries())
      vals[at(node.outputs, j)] = inputs.includes(t) || outer.has(t) ? tf.clone(t) : t;
    for (const v of at(plan.freeAfter, k)) {
      live(v).dispose();
      vals[v] = undefined;
    }
  });
  return plan.outputs.map((o) => (given.has(o.value) ? tf.clone(live(o.value)) : live(o.value)));
}
