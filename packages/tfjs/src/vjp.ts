import {
  at,
  first,
  type Graph,
  GraphBuilder,
  type Node,
  nonEmpty,
  OPS,
  type SymbolEnv,
  valueInfo,
  vjpGrads,
} from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fail } from './errors.js';
import type { LoweredGraph } from './lowered-graph.js';
import type { GradientRule } from './tape.js';

/**
 * The IR's VJP of one node as a small graph: inputs x<i> (the node's inputs), y<k> (its outputs) and g
 * (the gradient of its float output); outputs dx<i> for each float input. Null when tfjs needs no
 * gradient rule for the node: no VJP (comparisons, casts, stopGradient, ...), no float input or output.
 */
export function vjpGraph(graph: Graph, node: Node): { graph: Graph; floatInputs: number[]; primary: number } | null {
  const type = (v: number) => valueInfo(graph, v);
  const floatInputs = node.inputs.flatMap((v, i) => (type(v).dtype === 'float32' ? [i] : []));
  const floatOutputs = node.outputs.flatMap((v, k) => (type(v).dtype === 'float32' ? [k] : []));
  const vjp = OPS[node.op].vjp;
  if (vjp === null || floatInputs.length === 0 || floatOutputs.length === 0) return null;
  // tf.customGrad has one output; every IR op has at most one float output
  if (floatOutputs.length > 1)
    fail(
      'UNSUPPORTED_OP',
      `apply(): '${node.op}' has ${floatOutputs.length} float outputs; tf.customGrad differentiates one`,
      { op: node.op },
    );
  const primary = first(floatOutputs);
  const b = new GraphBuilder();
  const xs = node.inputs.map((v, i) => b.input(`x${i}`, type(v).dtype, type(v).shape));
  const ys = node.outputs.map((v, k) => b.input(`y${k}`, type(v).dtype, type(v).shape));
  const g = b.input('g', 'float32', type(at(node.outputs, primary)).shape);
  const grads = vjp({
    inputs: xs,
    outputs: nonEmpty(ys, `outputs of ${node.op}`),
    grads: vjpGrads(
      node.op,
      ys.map((_, k) => (k === primary ? g : undefined)),
    ),
    attrs: node.attrs as never,
  });
  for (const i of floatInputs) b.output(`dx${i}`, grads[i] ?? b.scalar(0).expand(at(xs, i).shape));
  return { graph: b.build(), floatInputs, primary };
}

/** A node's gradient rule for tfjs: its VJP graph, lowered like any graph, run on the saved tensors. */
export function gradientRule(
  vjp: { floatInputs: readonly number[]; primary: number },
  lowered: LoweredGraph,
  env: SymbolEnv,
): GradientRule {
  const outputs = vjp.floatInputs.map((i) => `dx${i}`);
  return {
    floatInputs: vjp.floatInputs,
    primary: vjp.primary,
    backward: (dy, inputs, outs) =>
      tf.tidy(() => {
        const named: Record<string, tf.Tensor> = { g: dy };
        for (const [i, t] of inputs.entries()) named[`x${i}`] = t;
        for (const [k, t] of outs.entries()) named[`y${k}`] = t;
        return lowered.run(named, env, outputs, false);
      }),
  };
}

/** The gradient rule of a node whose op has no gradient: the forward runs; backward raises `error`. */
export function failingRule(graph: Graph, node: Node, error: unknown): GradientRule {
  const floatInputs = node.inputs.flatMap((v, i) => (valueInfo(graph, v).dtype === 'float32' ? [i] : []));
  const primary = Math.max(
    0,
    node.outputs.findIndex((v) => valueInfo(graph, v).dtype === 'float32'),
  );
  return {
    floatInputs,
    primary,
    backward: () => {
      throw error;
    },
  };
}
