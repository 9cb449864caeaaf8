import { first, type Graph, inputName, LossGraphError, type Node, type SymbolEnv } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { fail } from './errors.js';
import { execute } from './execute.js';
import { indexing } from './lowering/indexing.js';
import { LOWERINGS } from './lowering/table.js';
import type { BackendTraits } from './lowering/traits.js';
import { makePlan, type Plan } from './plan.js';
import type { GradientRule } from './tape.js';
import { type ValueFacts, valueFacts } from './value-facts.js';
import { failingRule, gradientRule, vjpGraph } from './vjp.js';

/**
 * A graph ready to run on tfjs: its plans (per set of requested outputs) and, once apply() needs them,
 * the lowered VJP graph of each node. With `keepConstants`, constants are made once and kept until
 * dispose(); otherwise each run makes them (VJP graphs: their constants are a few scalars).
 */
export class LoweredGraph {
  private readonly constants = new Map<number, tf.Tensor>();
  private readonly plans = new Map<string, Plan>();
  private readonly vjps = new Map<
    Node,
    { lowered: LoweredGraph; floatInputs: number[]; primary: number } | { error: unknown } | null
  >();
  private readonly inputIds: ReadonlyMap<string, number>;
  private readonly facts: ValueFacts;

  constructor(
    readonly graph: Graph,
    private readonly keepConstants: boolean,
    /** the tfjs backend it was compiled for: its lowerings read these, never tf.getBackend() */
    readonly traits: BackendTraits,
  ) {
    for (const node of graph.nodes) {
      const l = LOWERINGS[node.op];
      if ('unsupported' in l)
        fail('UNSUPPORTED_OP', `tfjs backend cannot run '${node.op}': ${l.unsupported}`, { op: node.op });
    }
    this.inputIds = new Map(graph.inputs.map((id) => [inputName(graph, id), id]));
    this.facts = valueFacts(graph);
    if (keepConstants) for (const [id, t] of this.makeConstants()) this.constants.set(id, tf.keep(t));
  }

  get inputNames(): string[] {
    return [...this.inputIds.keys()];
  }

  plan(outputs: readonly string[]): Plan {
    const key = JSON.stringify(outputs);
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = makePlan(this.graph, outputs, this.facts);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /**
   * Runs the graph on tfjs tensors (by input name) and returns the named outputs, which the caller owns.
   * With `autodiff`, tfjs's autodiff can differentiate the outputs (each node carries the IR's VJP).
   * Call inside tf.tidy.
   */
  run(
    inputs: Readonly<Record<string, tf.Tensor>>,
    env: SymbolEnv,
    outputs: readonly string[],
    autodiff: boolean,
  ): tf.Tensor[] {
    const plan = this.plan(outputs);
    const given = new Map(this.keepConstants ? this.constants : this.makeConstants());
    for (const [name, id] of this.inputIds) {
      const t = inputs[name];
      if (t === undefined) fail('MISSING_INPUT', `missing input '${name}'`, { tensor: name });
      given.set(id, t);
    }
    const runEnv: Record<string, number> = { ...env }; // data-dependent dims join it as the run goes
    return execute(plan, given, runEnv, this.traits, autodiff ? (node) => this.gradientRule(node, runEnv) : undefined);
  }

  dispose(): void {
    for (const t of this.constants.values()) t.dispose();
    this.constants.clear();
  }

  private makeConstants(): Map<number, tf.Tensor> {
    const made = new Map<number, tf.Tensor>();
    for (const node of this.graph.nodes) {
      if (node.op === 'constant')
        made.set(
          first(node.outputs),
          first(
            indexing.constant([], node.attrs as never, {
              env: {},
              outShapes: [],
              uniform: [],
              iota: [],
              nonPositive: [],
              traits: this.traits,
            }),
          ),
        );
    }
    return made;
  }

  private gradientRule(node: Node, env: SymbolEnv): GradientRule | null {
    let vjp = this.vjps.get(node);
    if (vjp === undefined) {
      try {
        const built = vjpGraph(this.graph, node);
        vjp = built === null ? null : { ...built, lowered: new LoweredGraph(built.graph, false, this.traits) };
      } catch (error) {
        // an op without a gradient (scatterElements 'max' on floats, softmaxCrossEntropyGrad): the
        // forward runs; differentiating through it raises the op's own error
        if (!LossGraphError.isInstance(error) || error.code !== 'UNSUPPORTED_OP') throw error;
        vjp = { error };
      }
      this.vjps.set(node, vjp);
    }
    if (vjp === null) return null;
    if ('error' in vjp) return failingRule(this.graph, node, vjp.error);
    return gradientRule(vjp, vjp.lowered, env);
  }
}
